import { AppError, isErrorPayload } from './app-error';
import { problemType, toProblem } from './problem';

describe('toProblem', () => {
  it('renders an app error as RFC 9457 problem details with code and request id', () => {
    const error = new AppError(409, 'VERSION_CONFLICT', 'Stale version', {
      extensions: { currentVersion: 4 },
    });
    expect(toProblem(error.toPayload(), 'req-1')).toEqual({
      type: 'urn:shop:problem:version-conflict',
      title: 'Conflict',
      status: 409,
      detail: 'Stale version',
      code: 'VERSION_CONFLICT',
      requestId: 'req-1',
      currentVersion: 4,
    });
  });

  it('keeps the standard members when an extension tries to overwrite them', () => {
    const problem = toProblem({ status: 400, code: 'X', detail: 'd', extensions: { status: 200, code: 'Y' } }, 'r');
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('X');
  });

  it('derives one stable type URI per code', () => {
    expect(problemType('EMAIL_TAKEN')).toBe('urn:shop:problem:email-taken');
  });
});

describe('isErrorPayload', () => {
  it('accepts what crosses the TCP hop and rejects anything else', () => {
    expect(isErrorPayload(new AppError(404, 'NOT_FOUND', 'x').toPayload())).toBe(true);
    expect(isErrorPayload({ status: 'error', message: 'Internal server error' })).toBe(false);
    expect(isErrorPayload({ status: 200, code: 'OK', detail: '' })).toBe(false);
    expect(isErrorPayload(null)).toBe(false);
  });
});
