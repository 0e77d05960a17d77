import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RpcError } from '../../../electron/common/errors.js';
import { describeError, isCancelled } from '../../../renderer/src/lib/errors.js';

describe('describeError', () => {
  it('keeps the engine message and code', () => {
    const error = new RpcError({ name: 'AppError', code: 'bad_input', message: 'Folder does not exist: /x' });
    assert.deepEqual(describeError(error), { message: 'Folder does not exist: /x', details: [], code: 'bad_input' });
  });

  it('lists field problems from issue lists, flattened zod errors and field maps', () => {
    const issues = new RpcError({
      name: 'AppError',
      code: 'invalid_params',
      message: 'Invalid parameters for datasets.importFolder',
      details: [
        { path: ['name'], message: 'Give the dataset a name.' },
        { path: [], message: 'Unrecognized key: "x"' },
      ],
    });
    assert.deepEqual(describeError(issues).details, ['name: Give the dataset a name.', 'Unrecognized key: "x"']);

    const flattened = { message: 'Invalid', code: 'invalid_params', details: { formErrors: ['bad'], fieldErrors: { folder: ['Give a folder path.'] } } };
    assert.deepEqual(describeError(flattened).details, ['bad', 'folder: Give a folder path.']);
    assert.deepEqual(describeError({ message: 'm', details: { repoId: 'not a repo' } }).details, ['repoId: not a repo']);
  });

  it('leaves out details the message already contains', () => {
    const error = new RpcError({
      name: 'AppError',
      code: 'invalid_params',
      message: 'Invalid arguments for datasets.importFolder: name: Give the dataset a name.',
      details: [
        { path: ['name'], message: 'Give the dataset a name.' },
        { path: ['folder'], message: 'Give a folder path.' },
      ],
    });
    assert.deepEqual(describeError(error).details, ['folder: Give a folder path.']);
  });

  it('copes with anything thrown', () => {
    assert.deepEqual(describeError('boom'), { message: 'boom', details: [], code: null });
    assert.equal(describeError(new Error('')).message, 'Error');
  });

  it('recognises cancellations', () => {
    assert.equal(isCancelled(new RpcError({ name: 'CancelledError', code: 'cancelled', message: 'Cancelled' })), true);
    assert.equal(isCancelled(new Error('x')), false);
  });
});
