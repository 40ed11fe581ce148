import { Logger } from '@nestjs/common';
import twilio, { type Twilio } from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { NotificationsConfig } from '../notifications.config';

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

export interface SmsSender {
  send(to: string, body: string): Promise<void>;
}

/**
 * Twilio's own request client, sending to another base URL: the SDK builds and signs every request
 * exactly as it would for Twilio, so a stand-in server (tests) sees what Twilio would receive.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: URL) {
    super();
  }

  override request<TData>(options: RequestOptions<TData>) {
    const uri = new URL(options.uri);
    uri.protocol = this.base.protocol;
    uri.host = this.base.host;
    return super.request<TData>({ ...options, uri: uri.toString() });
  }
}

/** Text messages through Twilio's REST API (Messages resource). */
export class TwilioSmsSender implements SmsSender {
  private readonly client: Twilio;

  constructor(private readonly config: NonNullable<NotificationsConfig['twilio']>) {
    this.client = twilio(config.accountSid, config.authToken, {
      autoRetry: false,
      httpClient: config.apiUrl ? new RebasedRequestClient(new URL(config.apiUrl)) : undefined,
    });
  }

  async send(to: string, body: string): Promise<void> {
    await this.client.messages.create({ to, from: this.config.from, body });
  }
}

/** Development without Twilio: the message goes to the log instead. */
export class LoggedSmsSender implements SmsSender {
  private readonly logger = new Logger('Sms');

  async send(to: string, body: string): Promise<void> {
    this.logger.log({ to, body }, `SMS to ${to} (not sent: no TWILIO_* configured)`);
  }
}
