import {
  BoardUnavailableError,
  type DomainError,
  NotFoundError,
  ValidationError,
  type FieldError,
} from '../core/errors.ts';
import { builder } from './builder.ts';

/** Every expected failure a mutation can return implements this interface. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure, returned as a member of a result union instead of a top-level error.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

export const FieldErrorRef = builder.objectRef<FieldError>('FieldError').implement({
  description: 'One invalid input field.',
  fields: (t) => ({
    path: t.exposeStringList('path', {
      description: 'Path of the field in the operation\'s arguments, e.g. ["input", "email"].',
    }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input was refused; every invalid field is listed with its path. Nothing was changed.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ fieldErrors: t.field({ type: [FieldErrorRef], resolve: (error) => error.fieldErrors }) }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: "The object does not exist in the caller's organisation. Nothing was changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({ resource: t.exposeString('resource'), id: t.exposeID('id') }),
});

builder.objectType(BoardUnavailableError, {
  name: 'BoardUnavailableError',
  description: 'The board could not be reached or refused the call. Nothing was changed here.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof BoardUnavailableError,
  fields: (t) => ({
    retryable: t.exposeBoolean('retryable', { description: 'Whether trying again later may succeed.' }),
  }),
});
