// Absolute-form request targets (`GET http://evil.example/app HTTP/1.1`) are for proxies; an origin
// server may accept them (RFC 9112 3.2.2), but only for itself. One naming another host is refused, so
// nothing built from the request (a redirect, a link) can point at that host.
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** `ownHosts`: host[:port] values that are ours besides the request's Host header (PUBLIC_URL's). */
export function ownRequestTargets(ownHosts: string[] = []): RequestHandler {
  return (req, _res, next) => {
    if (!/^[a-z][a-z\d+.-]*:/i.test(req.url)) return next();
    let host: string | undefined;
    try {
      host = new URL(req.url).host;
    } catch {
      host = undefined;
    }
    const ours = host !== undefined && (host === req.headers.host?.toLowerCase() || ownHosts.includes(host));
    if (ours) return next();
    next(new HttpError(400, 'invalid_request', 'The request target names another host', [{ field: '(target)', message: 'not this host' }]));
  };
}
