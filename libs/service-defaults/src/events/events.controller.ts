import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { deliverEvent, ErrorCode, type RpcRequest } from '@shop/contracts';
import { AppError } from '@shop/problem-details';
import { EventDispatcher } from './event-dispatcher';
import { MalformedEventError, parseEventEnvelope } from './event-envelope.parser';

/** The embedded path's receiving end: a producer's relay sends each event here; the answer is the ack. */
@Controller()
export class EventsController {
  constructor(private readonly dispatcher: EventDispatcher) {}

  @MessagePattern(deliverEvent.pattern)
  async deliver(@Payload() message: RpcRequest<unknown>): Promise<{ outcome: string }> {
    let event;
    try {
      event = parseEventEnvelope(message.data);
    } catch (error) {
      if (error instanceof MalformedEventError) throw new AppError(400, ErrorCode.ValidationFailed, error.message);
      throw error;
    }
    return { outcome: await this.dispatcher.dispatch(event) };
  }
}
