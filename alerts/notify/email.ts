import nodemailer from 'nodemailer';
import { DeliveryError } from './delivery.js';

/** SMTP settings; the password comes only from the environment (SMTP_PASSWORD), never a file in the repository. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

export interface EmailSender {
  send(to: string[], subject: string, text: string): Promise<void>;
  close(): void;
}

/** E-mail to on-call people over SMTP with nodemailer; failures say whether a retry can help. */
export function createEmailSender(smtp: SmtpSettings): EmailSender {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(to, subject, text) {
      try {
        await transport.sendMail({ from: smtp.from, to, subject, text });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // SMTP 5xx is permanent (RFC 5321, 4.2.1): a bad address or refused credentials will not heal.
        const retryable = !(typeof code === 'number' && code >= 500 && code < 600);
        throw new DeliveryError(`SMTP: ${(err as Error).message}`, retryable);
      }
    },
    close: () => transport.close(),
  };
}
