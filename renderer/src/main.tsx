import '@salesforce-ux/design-system/assets/styles/salesforce-lightning-design-system.css';
import './styles/theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { ensureBridge } from './lib/api';
import { installLinkGuard } from './lib/link-guard';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
installLinkGuard(document, (url) => void window.open(url, '_blank', 'noopener,noreferrer'));
void ensureBridge().then((connected) => {
  if (!connected) {
    root.textContent = 'This page is not connected to OrgDesk: open the URL that `npm run web` printed (it carries the launch token).';
    return;
  }
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
