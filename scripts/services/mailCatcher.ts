import { connect } from 'node:net';
import { startChild, waitUntil, type Child } from './child';

/** maildev: an SMTP server that keeps every message and shows them on a web page. For `npm start` only. */
export async function startMailCatcher(opts: {
  smtpPort: number;
  webPort: number;
}): Promise<{ child: Child; smtpUrl: string; webUrl: string }> {
  const bin = require.resolve('maildev/bin/maildev');
  const child = startChild(
    'maildev',
    process.execPath,
    [bin, '--ip', '127.0.0.1', '--smtp', String(opts.smtpPort), '--web', String(opts.webPort), '--silent'],
    process.env,
    { quiet: true },
  );
  await waitUntil(
    'maildev',
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(opts.smtpPort, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.on('error', reject);
      }),
    20_000,
  );
  return { child, smtpUrl: `smtp://127.0.0.1:${opts.smtpPort}?ignoreTLS=true`, webUrl: `http://127.0.0.1:${opts.webPort}` };
}
