/** onkeydown handler for a focusable row: Enter or Space does what a click does. */
export function activateOnKey(action: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      action();
    }
  };
}
