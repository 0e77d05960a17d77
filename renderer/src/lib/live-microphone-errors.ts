/** getUserMedia / AudioWorklet failures as messages a user can act on (pure: unit-tested in Node). */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return 'Microphone permission was denied. Allow microphone access for this app (browser: the site settings; desktop: the system privacy settings), then start again.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No microphone was found. Connect one (or enable it in the system settings), then start again.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'The microphone is in use by another application or could not be opened. Close the other application, then start again.';
  if (name === 'Unsupported') return error instanceof Error ? error.message : 'Microphone capture is not supported here.';
  return `The microphone could not be started: ${error instanceof Error ? error.message : String(error)}`;
}
