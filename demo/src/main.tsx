import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import 'unet-chat-redux/styles.css';
import './demo.css';
import { App } from './App';
import { store } from './store';
import { applyTheme, storedTheme } from './theme';
import { trackVisualViewport } from './viewport';

// Before the first paint, so a dark page never flashes light.
applyTheme(storedTheme());
trackVisualViewport();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Provider store={store}>
      <App />
    </Provider>
  </StrictMode>,
);
