import { ServiceEndpoint } from './service-endpoint';

describe('ServiceEndpoint rotation', () => {
  // Never connected: rotation is its own state, whatever the connection does.
  const endpoint = () => new ServiceEndpoint({ host: '127.0.0.1', port: 1 }, true);

  it('keeps an instance that said it is not ready out of rotation when a call it was finishing is answered', () => {
    const draining = endpoint();
    draining.reported(false);
    draining.putBack();
    expect({ inRotation: draining.inRotation, notReady: draining.notReady }).toEqual({
      inRotation: false,
      notReady: true,
    });
    draining.reported(true);
    expect({ inRotation: draining.inRotation, notReady: draining.notReady }).toEqual({
      inRotation: true,
      notReady: false,
    });
  });

  it('takes back an instance that only failed a call as soon as a call to it is answered', () => {
    const failed = endpoint();
    failed.takeOut();
    expect(failed.inRotation).toBe(false);
    failed.putBack();
    expect(failed.inRotation).toBe(true);
  });
});
