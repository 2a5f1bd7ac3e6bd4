import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { removeBridge } from './fake-bridge';

afterEach(() => {
  cleanup();
  removeBridge();
  window.sessionStorage.clear();
  window.localStorage.clear();
});
