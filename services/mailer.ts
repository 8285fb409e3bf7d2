import nodemailer, { type Transporter } from 'nodemailer';

export type Mailer = Transporter;

/** A pooled SMTP transport: one connection per message caps out near 10 mails/s, a pool goes far higher. */
export function createMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  return nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // Local catchers and test servers speak plain SMTP; TLS is used when the server offers it.
    tls: { rejectUnauthorized: url.searchParams.get('tlsRejectUnauthorized') !== 'false' },
    ignoreTLS: url.searchParams.get('ignoreTLS') === 'true',
    pool: true,
    maxConnections: 5,
  });
}
