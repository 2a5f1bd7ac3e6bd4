import { randomBytes } from 'node:crypto';
import { ServiceError } from '../errors';

/** What a ref names: a file to read (a CSV to load) or a folder to write into (where a load's result files go). */
type FileRefKind = 'file' | 'folder';

/** The shape of every ref main mints: 32 lowercase hex characters (128 random bits), never a path. */
export const FILE_REF_PATTERN = /^[0-9a-f]{32}$/;

/**
 * Main's registry of the files and folders a window may name: a ref is minted only where main itself learnt the path (its
 * open dialog, the preload's `webUtils.getPathForFile` of a dropped file), so the page can name nothing it was not given.
 * Electron security checklist: "Validate the sender of all IPC messages" / never trust a path from the renderer.
 */
export type FileRefs = {
  /** Mints a fresh ref for `path`, owned by `ownerId` (a sender id); the owner's oldest ref goes past the bound. */
  mint(ownerId: string, kind: FileRefKind, path: string): string;
  /** The path behind a ref this owner holds, or a VALIDATION error (an unknown, foreign or wrong-kind ref looks the same). */
  resolve(ownerId: string, kind: FileRefKind, ref: string): string;
  /** Forgets every ref an owner holds (its window closed). */
  forget(ownerId: string): void;
};

/** Builds an empty registry, bounded per owner (default 64 refs) and in owners (default 256). */
export function createFileRefs(options: { maxPerOwner?: number; maxOwners?: number } = {}): FileRefs {
  const maxPerOwner = options.maxPerOwner ?? 64;
  const maxOwners = options.maxOwners ?? 256;
  const owners = new Map<string, Map<string, { kind: FileRefKind; path: string }>>();

  return {
    mint(ownerId, kind, path) {
      let refs = owners.get(ownerId);
      if (refs === undefined) {
        refs = new Map();
        owners.set(ownerId, refs);
        if (owners.size > maxOwners) owners.delete(owners.keys().next().value ?? ownerId);
      }
      const ref = randomBytes(16).toString('hex');
      refs.set(ref, { kind, path });
      if (refs.size > maxPerOwner) refs.delete(refs.keys().next().value ?? ref);
      return ref;
    },
    resolve(ownerId, kind, ref) {
      const entry = FILE_REF_PATTERN.test(ref) ? owners.get(ownerId)?.get(ref) : undefined;
      if (entry === undefined || entry.kind !== kind) {
        const what = kind === 'file' ? 'file' : 'folder';
        throw new ServiceError(
          'VALIDATION',
          `OrgDesk does not know that ${what}: only a ${what} chosen in its dialog${kind === 'file' ? ' or dropped on it' : ''} can be used.`,
          kind === 'file' ? 'Drop the file again, or choose it with the button.' : 'Choose the folder again.',
        );
      }
      return entry.path;
    },
    forget(ownerId) {
      owners.delete(ownerId);
    },
  };
}
