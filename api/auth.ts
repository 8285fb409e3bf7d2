import type { NextFunction, Request, Response } from 'express';
import type { Role, TokenHolder } from '../config/env';
import { forbidden, unauthorized } from './errors';

export type TokenMap = Record<string, TokenHolder>;

declare module 'express-serve-static-core' {
  interface Request {
    holder?: TokenHolder;
  }
}

/** Bearer tokens: no token or an unknown one is 401. */
export function authenticate(tokens: TokenMap) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    const holder = match ? tokens[match[1]!] : undefined;
    if (!holder) return next(unauthorized());
    req.holder = holder;
    next();
  };
}

/** The route is for these roles only: any other is 403 (ALL-3). */
export function allow(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.holder || !roles.includes(req.holder.role)) return next(forbidden(`Only ${roles.join(' or ')} may do this`));
    next();
  };
}

export function holderOf(req: Request): TokenHolder {
  if (!req.holder) throw unauthorized();
  return req.holder;
}

/** A printable name of who acted, for the records. */
export function actorOf(holder: TokenHolder): string {
  switch (holder.role) {
    case 'team-captain':
      return `team-captain:${holder.ccoId}`;
    case 'partner':
      return `partner:${holder.partnerId}`;
    case 'account-manager':
      // The id, not the name: an account's manager is found by it (ALL-3).
      return `account-manager:${holder.amId}`;
    case 'ops':
      return `${holder.role}:${holder.name ?? 'unnamed'}`;
    default:
      return holder.role;
  }
}
