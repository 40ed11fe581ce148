import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RegisterDto } from './register.dto';

const check = (body: object) => {
  const dto = plainToInstance(RegisterDto, body);
  return { dto, failed: validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property) };
};

describe('RegisterDto', () => {
  it('trims email and name', () => {
    const { dto, failed } = check({ email: '  ada@example.com ', password: 'password1', name: ' Ada ' });
    expect(failed).toEqual([]);
    expect(dto).toEqual(expect.objectContaining({ email: 'ada@example.com', name: 'Ada' }));
  });

  it.each([
    [{ email: 'nope', password: 'password1', name: 'A' }, ['email']],
    [{ email: 'a@b.co', password: 'short', name: 'A' }, ['password']],
    [{ email: 'a@b.co', password: 'password1', name: '   ' }, ['name']],
    [{ email: 'a@b.co', password: 'password1', name: 'A', role: 'admin' }, ['role']],
  ])('rejects %p', (body, fields) => {
    expect(check(body).failed).toEqual(fields);
  });
});
