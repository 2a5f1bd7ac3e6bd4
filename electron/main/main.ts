/**
 * Electron main: app lifecycle, the window and its webPreferences, the app:// protocol, the security rules, and the
 * composition root (the same createAppContext browser mode uses) behind the Electron transport.
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { startEmulator } from '../../emulator/index';
import { createAppContext, type AppContext } from '../ipc/create-app-context';
import { createDialogOpenPicker, createDialogSavePicker } from '../../core/files';
import { registerElectronTransport } from '../ipc/electron-transport';
import { APP_START_URL } from '../ipc/sender-check';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol } from './app-protocol';
import { lockDownWebContents, restrictPermissions } from './window-security';

// Bundled to dist/electron/main.cjs: the renderer build and the preload sit beside it.
const rendererDir = join(__dirname, '..', 'renderer');
const preloadPath = join(__dirname, 'preload.cjs');

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'OrgDesk',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_START_URL);
  return window;
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  restrictPermissions(session.defaultSession);
  handleAppProtocol(protocol, rendererDir);

  const context: AppContext = await createAppContext({
    userDataDir: app.getPath('userData'),
    mode: 'electron',
    version: app.getVersion(),
    platform: process.platform,
    startLocalOrg: startEmulator,
    // Native dialogs, attached to the focused window: where exports and certificates go, which key or CSV file to open.
    saveFilePicker: createDialogSavePicker((options) => {
      const owner = BrowserWindow.getFocusedWindow();
      return owner === null ? dialog.showSaveDialog(options) : dialog.showSaveDialog(owner, options);
    }, app.getPath('downloads')),
    openFilePicker: createDialogOpenPicker((options) => {
      const owner = BrowserWindow.getFocusedWindow();
      return owner === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(owner, options);
    }, app.getPath('home')),
    onInternalError: (channel, error) => console.error(`[orgdesk] ${channel} failed:`, error),
  });
  const disposeTransport = registerElectronTransport({
    ipcMain,
    context,
    windows: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
  });

  let window = createMainWindow();
  app.on('second-instance', () => {
    if (window.isDestroyed()) window = createMainWindow();
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    disposeTransport();
    void context.dispose().finally(() => app.exit(0));
  });
}

app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, shell));

start().catch((error: unknown) => {
  console.error('OrgDesk could not start:', error);
  app.exit(1);
});
