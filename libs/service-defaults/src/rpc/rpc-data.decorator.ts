import { Payload } from '@nestjs/microservices';
import { validationPipe } from '../validation/validation.pipe';

/**
 * The validated payload of an {@link RpcRequest}: apps check their input themselves rather
 * than trust whoever sent the message.
 */
export const RpcData = () => Payload('data', validationPipe());
