import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMoney } from './money';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * Renders message templates with Handlebars. Each template is a folder of files under `dir`:
 * `subject.hbs`, `html.hbs` and `text.hbs` (a text message has only `text.hbs`).: HTML escaped by default, plain text not. `money`
 * formats integer minor units with the shop's locale. Compiled templates are kept.
 */
export class TemplateRenderer {
  private readonly handlebars = Handlebars.create();
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly dir: string,
    private readonly locale: string,
  ) {
    this.handlebars.registerHelper('money', (amount: number, currency: string) =>
      formatMoney(amount, currency, this.locale),
    );
  }

  email(template: string, data: object): RenderedEmail {
    return {
      subject: this.render(template, 'subject', data, { noEscape: true }).trim(),
      html: this.render(template, 'html', data),
      text: this.render(template, 'text', data, { noEscape: true }),
    };
  }

  sms(template: string, data: object): string {
    return this.render(template, 'text', data, { noEscape: true }).trim();
  }

  private render(template: string, part: string, data: object, options: CompileOptions = {}): string {
    const key = `${template}/${part}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      const source = readFileSync(join(this.dir, template, `${part}.hbs`), 'utf8');
      compiled = this.handlebars.compile(source, { strict: true, ...options });
      this.compiled.set(key, compiled);
    }
    return compiled(data);
  }
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
