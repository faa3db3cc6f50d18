// Renderer entry: zod is set up first (no eval under the CSP), fonts and styles are bundled
// (the app works fully offline), then the app mounts.
import './zod-setup.ts';
import '@fontsource/inter/400.css';
import '@fontsource/inter/600.css';
import '@mantine/core/styles.css';
import './focus.css';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';

createRoot(document.getElementById('root')!).render(<App />);
