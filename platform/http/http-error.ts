import { QuantracError } from '../../core/index.js';

/** A client error to answer with its status (thrown by route code, caught by the router). */
export class HttpError extends QuantracError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
    this.name = 'HttpError';
  }
}
