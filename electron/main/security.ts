/**
 * The shell's security policy in one place: the CSP, and which permissions the renderer
 * gets. Only the app's own origin may capture audio (the microphone for live steering);
 * everything else, video included, is denied.
 */
import { isAppOrigin } from './app-protocol.js';
import type { PermissionCheckDetails, PermissionRequestDetails, SessionSurface } from './electron-surface.js';

export { CONTENT_SECURITY_POLICY } from '../common/csp.js';

/** The one permission the renderer may use. */
export const MEDIA_PERMISSION = 'media';

/** A permission request (a prompt, e.g. getUserMedia): audio-only media from app://renderer. */
export function shouldGrantPermissionRequest(permission: string, details: PermissionRequestDetails): boolean {
  if (permission !== MEDIA_PERMISSION) return false;
  const origins = [details.securityOrigin, details.requestingUrl].filter((o): o is string => o !== undefined);
  if (origins.length === 0 || !origins.every(isAppOrigin)) return false;
  const mediaTypes = details.mediaTypes ?? [];
  return mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
}

/** A permission check (no prompt, e.g. device labels): audio media from app://renderer. */
export function shouldGrantPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
): boolean {
  if (permission !== MEDIA_PERMISSION) return false;
  if (!isAppOrigin(requestingOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin)) return false;
  return details.mediaType === 'audio';
}

/** Installs the permission policy on a session; device (HID, serial, USB) access is always denied. */
export function installPermissionHandlers(session: SessionSurface): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(shouldGrantPermissionRequest(permission, details));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    shouldGrantPermissionCheck(permission, requestingOrigin, details),
  );
  session.setDevicePermissionHandler?.(() => false);
}
