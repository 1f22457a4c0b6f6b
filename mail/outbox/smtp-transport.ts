import nodemailer, { type Transporter } from 'nodemailer';

/**
 * `smtp://user:password@host:587` (STARTTLS when the server offers it), `smtps://…:465` for implicit TLS.
 * `?ignoreTLS=true` is for loopback test receivers only.
 */
export function createSmtpTransport(url: string): Transporter {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: u.hostname, port: u.port ? Number(u.port) : secure ? 465 : 587, secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    ignoreTLS: u.searchParams.get('ignoreTLS') === 'true',
    connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
    logger: false,
  });
}
