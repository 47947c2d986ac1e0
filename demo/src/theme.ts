/**
 * The demo's theme switch: follow the system (the package's default, through
 * `prefers-color-scheme`), or force light or dark with the package's classes
 * `ucr-theme-light` / `ucr-theme-dark` on <html> — the host override.
 */
export type ThemeChoice = 'auto' | 'light' | 'dark';

const THEME_KEY = 'unet-chat-demo-theme';

export function storedTheme(): ThemeChoice {
  const value = localStorage.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : 'auto';
}

export function applyTheme(choice: ThemeChoice): void {
  localStorage.setItem(THEME_KEY, choice);
  const { classList } = document.documentElement;
  classList.toggle('ucr-theme-light', choice === 'light');
  classList.toggle('ucr-theme-dark', choice === 'dark');
}
