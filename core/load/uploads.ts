import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * Browser mode's uploads, agreed between the web server that writes them and the load service that reads them: the folder
 * is `<userDataDir>/uploads`, an upload's file is `<uploads>/<uploadId>`, and an uploadId is 32 lowercase hex characters
 * minted here, so a page-supplied id can never name a path outside the folder.
 */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** The name of the uploads folder under the user data folder. */
const UPLOADS_FOLDER = 'uploads';

/** The folder uploads go to for a user data folder. */
export function uploadsDirOf(userDataDir: string): string {
  return join(userDataDir, UPLOADS_FOLDER);
}

/** A new uploadId: 128 random bits as hex. */
export function newUploadId(): string {
  return randomBytes(16).toString('hex');
}

/** Whether a string has the shape of an uploadId (32 lowercase hex characters), so it can be joined to a folder safely. */
export function isUploadId(value: string): boolean {
  return UPLOAD_ID.test(value);
}

/** The file of an upload in its folder; null for a string that is not an uploadId (never a path outside the folder). */
export function uploadFilePath(uploadsDir: string, uploadId: string): string | null {
  return isUploadId(uploadId) ? join(uploadsDir, uploadId) : null;
}
