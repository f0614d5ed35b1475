import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import type { MessageTemplate } from './templates';

export type MessageChannel = 'email' | 'sms';
export const MESSAGE_CHANNELS: readonly MessageChannel[] = ['email', 'sms'];

/** A failure retrying cannot fix (the gateway answered 4xx, the mail server 5xx): marked failed at once. */
export class PermanentSendError extends Error {}

export interface OutboundMessage {
  to: string;
  subject: string;
  text: string;
  template: MessageTemplate;
  params: Record<string, string | number>;
}

/** E-mail over SMTP (nodemailer; SMTP_URL, MAIL_FROM). */
@Injectable()
export class EmailSender implements OnModuleDestroy {
  private transport: Transporter | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.messaging.smtpUrl;
  }

  async send(msg: OutboundMessage): Promise<void> {
    const url = this.config.messaging.smtpUrl;
    if (!url) throw new PermanentSendError('no channel');
    const t = this.config.messaging.timeoutMs;
    // SMTP options take `url` and timeouts together (nodemailer parses the URL into host, port, auth).
    this.transport ??= createTransport({ url, connectionTimeout: t, greetingTimeout: t, socketTimeout: t } as Parameters<typeof createTransport>[0]);
    try {
      await this.transport.sendMail({ from: this.config.messaging.mailFrom, to: msg.to, subject: msg.subject, text: msg.text });
    } catch (err) {
      // SMTP 5xx is a permanent refusal (RFC 5321 §4.2.1); 4xx and network errors are retried.
      const code = (err as { responseCode?: number }).responseCode;
      if (code && code >= 500) throw new PermanentSendError(`SMTP ${code}`);
      throw err;
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}

/**
 * SMS through an HTTP gateway (SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN): `POST {to, text, template,
 * params}` as JSON with `Authorization: Bearer <token>`; 2xx sent, 4xx permanent failure, 5xx or
 * no answer within MESSAGE_TIMEOUT_MS retried (docs/notifications.md). A provider's API or a
 * government SMS platform is mapped to this contract by a small adapter service.
 */
@Injectable()
export class SmsSender {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.messaging.smsGatewayUrl;
  }

  async send(msg: OutboundMessage): Promise<void> {
    const { smsGatewayUrl: url, smsGatewayToken: token, timeoutMs } = this.config.messaging;
    if (!url) throw new PermanentSendError('no channel');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ to: msg.to, text: msg.text, template: msg.template, params: msg.params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return;
    if (res.status >= 400 && res.status < 500) throw new PermanentSendError(`gateway ${res.status}`);
    throw new Error(`gateway ${res.status}`);
  }
}
