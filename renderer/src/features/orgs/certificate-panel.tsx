import { useId, useState, type ReactNode } from 'react';
import type { OrgSummary } from '../../../../shared/ipc/domains/orgs';
import type { AppError } from '../../../../shared/ipc/result';
import { useShowError } from '../../lib/app-errors';
import { ModalDialog } from '../../components/modal-dialog';
import { dayOf } from './org-text';
import { useNativeDialogs } from '../../lib/use-native-dialogs';
import type { OrgActions } from './use-org-actions';

type Dialog =
  | { kind: 'none' }
  | { kind: 'replace-key' }
  | { kind: 'save'; path: string; error: AppError | null; busy: boolean }
  | { kind: 'import'; path: string; passphrase: string; askPassphrase: boolean; error: AppError | null; busy: boolean };

/**
 * The profile's key and certificate: the SHA-256 fingerprint and expiry (warned within 30 days), "Generate key & certificate",
 * "Save certificate (.crt)" and "Import private key". The private key itself never reaches this screen, and nothing exports it.
 *
 * In Electron main picks the files with native dialogs (the calls go without a path; a closed dialog answers CANCELLED, which
 * is ignored); browser mode has no dialog, so a modal asks for the path.
 */
export function CertificatePanel({ org, actions }: { org: OrgSummary; actions: OrgActions }): ReactNode {
  const id = useId();
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  const [generating, setGenerating] = useState(false);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const native = useNativeDialogs();
  const showError = useShowError();
  const certificate = org.certificate;

  const generate = async (): Promise<void> => {
    setDialog({ kind: 'none' });
    setGenerating(true);
    setSavedTo(null);
    await actions.generateKey(org.id);
    setGenerating(false);
  };

  const saveWithDialog = async (): Promise<void> => {
    setSaving(true);
    const result = await actions.saveCertificate(org.id);
    setSaving(false);
    if (result.ok) setSavedTo(result.value.path);
    else if (result.error.code !== 'CANCELLED') showError(result.error);
  };

  const openSave = async (): Promise<void> => {
    if (native) return saveWithDialog();
    const view = await actions.certificate(org.id);
    if (view !== null) setDialog({ kind: 'save', path: `~/${view.fileName}`, error: null, busy: false });
  };

  const save = async (path: string): Promise<void> => {
    setDialog({ kind: 'save', path, error: null, busy: true });
    const result = await actions.saveCertificate(org.id, path.trim());
    if (result.ok) {
      setSavedTo(result.value.path);
      setDialog({ kind: 'none' });
    } else setDialog({ kind: 'save', path, error: result.error, busy: false });
  };

  const importKey = async (current: Extract<Dialog, { kind: 'import' }>): Promise<void> => {
    setDialog({ ...current, busy: true, error: null });
    const passphrase = current.askPassphrase && current.passphrase !== '' ? current.passphrase : undefined;
    const result = await actions.importKey(org.id, native ? undefined : current.path.trim(), passphrase);
    if (result.ok) {
      setSavedTo(null);
      setDialog({ kind: 'none' });
      return;
    }
    if (result.error.code === 'CANCELLED') {
      // The person closed the native file dialog: nothing happened, nothing to say.
      setDialog({ kind: 'none' });
      return;
    }
    // An encrypted PEM answers "This private key is encrypted.": ask for its passphrase in the same dialog.
    const encrypted = /encrypted|passphrase/i.test(result.error.message);
    setDialog({ ...current, busy: false, error: result.error, askPassphrase: current.askPassphrase || encrypted });
  };

  return (
    <article className="slds-card orgdesk-org-card" aria-labelledby={`${id}-title`}>
      <div className="slds-card__header">
        <h2 id={`${id}-title`} className="slds-card__header-title slds-text-heading_small">
          Key and certificate
        </h2>
      </div>
      <div className="slds-card__body slds-card__body_inner">
        {certificate === null ? (
          <p className="slds-text-color_weak">
            No key yet. Generate a key and certificate, save the certificate and upload it to the connected app (Use digital
            signatures), or import the private key you already use.
          </p>
        ) : (
          <dl className="slds-list_horizontal slds-wrap orgdesk-facts" aria-label="Certificate">
            <dt className="slds-item_label slds-text-color_weak">Common name</dt>
            <dd className="slds-item_detail">{certificate.commonName}</dd>
            <dt className="slds-item_label slds-text-color_weak">SHA-256 fingerprint</dt>
            <dd className="slds-item_detail orgdesk-mono" data-testid="certificate-fingerprint">
              {certificate.fingerprintSha256}
            </dd>
            <dt className="slds-item_label slds-text-color_weak">Expires</dt>
            <dd className="slds-item_detail">
              {dayOf(certificate.notAfter)} ({certificate.daysLeft >= 0 ? `in ${certificate.daysLeft} days` : `${-certificate.daysLeft} days ago`})
            </dd>
          </dl>
        )}
        {certificate !== null && (certificate.expired || certificate.expiresSoon) ? (
          <div className={`slds-notify slds-notify_alert slds-m-top_small ${certificate.expired ? 'slds-alert_error' : 'slds-alert_warning'}`} role="status">
            <p>
              {certificate.expired
                ? `This certificate expired on ${dayOf(certificate.notAfter)}: logins fail until you generate a new key and upload the new certificate to the connected app.`
                : `This certificate expires in ${certificate.daysLeft} days: generate a new key, then upload the new certificate to the connected app before ${dayOf(certificate.notAfter)}.`}
            </p>
          </div>
        ) : null}
        {savedTo === null ? null : (
          <p className="slds-text-color_success slds-m-top_small" role="status">
            Certificate saved to <span className="orgdesk-mono">{savedTo}</span>. Upload it to the connected app.
          </p>
        )}
        <div className="slds-button-group-row slds-m-top_small orgdesk-button-row">
          <button
            type="button"
            className="slds-button slds-button_neutral"
            disabled={generating}
            onClick={() => (certificate === null ? void generate() : setDialog({ kind: 'replace-key' }))}
          >
            {generating ? 'Generating…' : 'Generate key & certificate'}
          </button>
          <button type="button" className="slds-button slds-button_neutral" disabled={certificate === null || saving} onClick={() => void openSave()}>
            {saving ? 'Saving…' : 'Save certificate (.crt)'}
          </button>
          <button
            type="button"
            className="slds-button slds-button_neutral"
            onClick={() => setDialog({ kind: 'import', path: '', passphrase: '', askPassphrase: false, error: null, busy: false })}
          >
            Import private key
          </button>
        </div>
      </div>
      {dialog.kind === 'replace-key' ? (
        <ModalDialog title="Replace the key?" confirmLabel="Generate new key" confirmVariant="destructive" onConfirm={() => void generate()} onCancel={() => setDialog({ kind: 'none' })}>
          <p>
            A new key replaces the one in the OS keychain. Logins fail until you upload the new certificate to the connected app.
          </p>
        </ModalDialog>
      ) : null}
      {dialog.kind === 'save' ? (
        <ModalDialog
          title="Save certificate"
          confirmLabel="Save"
          busy={dialog.busy}
          error={dialog.error}
          onConfirm={() => void save(dialog.path)}
          onCancel={() => setDialog({ kind: 'none' })}
        >
          <div className="slds-form-element">
            <label className="slds-form-element__label" htmlFor={`${id}-save-path`}>
              Save to
            </label>
            <div className="slds-form-element__control">
              <input
                id={`${id}-save-path`}
                className="slds-input orgdesk-mono"
                value={dialog.path}
                spellCheck={false}
                onChange={(event) => setDialog({ ...dialog, path: event.target.value, error: null })}
              />
            </div>
            <div className="slds-form-element__help">
              A path on this computer; ~ is your home folder. The file holds only the public certificate.
            </div>
          </div>
        </ModalDialog>
      ) : null}
      {dialog.kind === 'import' ? (
        <ModalDialog
          title="Import private key"
          confirmLabel={native ? 'Choose key file…' : 'Import'}
          busy={dialog.busy}
          error={dialog.error}
          onConfirm={() => void importKey(dialog)}
          onCancel={() => setDialog({ kind: 'none' })}
        >
          <p className="slds-m-bottom_small">
            OrgDesk reads the PEM key (PKCS#1 or PKCS#8), keeps it in the OS keychain and makes a certificate from it. The file is not
            changed or kept.
          </p>
          {native ? null : (
            <div className="slds-form-element slds-m-bottom_small">
              <label className="slds-form-element__label" htmlFor={`${id}-key-path`}>
                Key file
              </label>
              <div className="slds-form-element__control">
                <input
                  id={`${id}-key-path`}
                  className="slds-input orgdesk-mono"
                  value={dialog.path}
                  placeholder="~/keys/server.key"
                  spellCheck={false}
                  onChange={(event) => setDialog({ ...dialog, path: event.target.value, error: null })}
                />
              </div>
            </div>
          )}
          {dialog.askPassphrase ? (
            <div className="slds-form-element">
              <label className="slds-form-element__label" htmlFor={`${id}-passphrase`}>
                Passphrase
              </label>
              <div className="slds-form-element__control">
                <input
                  id={`${id}-passphrase`}
                  type="password"
                  className="slds-input"
                  value={dialog.passphrase}
                  autoComplete="off"
                  onChange={(event) => setDialog({ ...dialog, passphrase: event.target.value, error: null })}
                />
              </div>
            </div>
          ) : (
            <button type="button" className="slds-button" onClick={() => setDialog({ ...dialog, askPassphrase: true })}>
              The key is encrypted with a passphrase
            </button>
          )}
        </ModalDialog>
      ) : null}
    </article>
  );
}
