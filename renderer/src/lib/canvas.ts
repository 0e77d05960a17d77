/**
 * Sizes a canvas's backing store to its CSS box at the device pixel ratio (sharp on HiDPI).
 * Returns its 2D context and the ratio used, or null when there is no 2D context.
 */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): { ctx: CanvasRenderingContext2D; dpr: number } | null {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext('2d');
  return ctx ? { ctx, dpr } : null;
}
