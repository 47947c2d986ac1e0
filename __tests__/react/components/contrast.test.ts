/**
 * Measures the text contrast of the stylesheet's palettes (WCAG 2 relative
 * luminance): every pair of a text colour and a background it is drawn on
 * must reach 4.5:1, in the light and the dark palette.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const css = readFileSync(resolve(__dirname, '../../../src/react/styles.css'), 'utf8');

function block(opening: string): string {
  const start = css.indexOf(opening);
  if (start < 0) throw new Error(`no block ${opening}`);
  return css.slice(start + opening.length, css.indexOf('}', start));
}

function palette(body: string): Record<string, string> {
  return Object.fromEntries(
    Array.from(body.matchAll(/--ucr-([\w-]+):\s*(#[0-9a-f]{6});/g), (match) => [
      match[1]!,
      match[2]!,
    ]),
  );
}

const light = palette(block('\n.ucr-root {'));
const darkClass = block('\n.ucr-root:where(.ucr-theme-dark, .ucr-theme-dark *) {');
const darkMedia = block('.ucr-root:where(:not(.ucr-theme-light, .ucr-theme-light *)) {');
const dark = { ...light, ...palette(darkClass) };

function channel(value: number): number {
  const v = value / 255;
  return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function luminance(rgb: readonly [number, number, number]): number {
  const [r, g, b] = rgb.map(channel) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function hex(value: string): [number, number, number] {
  return [1, 3, 5].map((at) => parseInt(value.slice(at, at + 2), 16)) as [number, number, number];
}

/** hsl() as the browser computes it, for the sender names. */
function hsl(hue: number, saturation: number, lightness: number): [number, number, number] {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return 255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [f(0), f(8), f(4)];
}

function contrast(a: [number, number, number], b: [number, number, number]): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}

const backgrounds = ['bg', 'surface', 'surface-raised', 'surface-hover', 'chat-bg'];
const pairs: Array<[text: string, background: string]> = [
  ...backgrounds.map((bg): [string, string] => ['text', bg]),
  ...[...backgrounds, 'bubble-other', 'highlight'].map((bg): [string, string] => [
    'text-muted',
    bg,
  ]),
  ['accent', 'bg'],
  ['accent', 'surface-raised'],
  ['accent', 'chat-bg'],
  ['accent-text', 'accent'],
  ['accent-text', 'accent-hover'],
  ['link', 'bubble-other'],
  ['bubble-own-link', 'bubble-own'],
  ['bubble-own-text', 'bubble-own'],
  ['bubble-own-meta', 'bubble-own'],
  ['bubble-other-text', 'bubble-other'],
  ['text', 'highlight'],
  ['danger', 'bg'],
  ['danger', 'chat-bg'],
  ['danger', 'surface-raised'],
  ['danger', 'danger-soft'],
  ['danger-text', 'danger'],
  ['mark-text', 'mark'],
];

// The hues of names.ts's avatarHue, which colour sender names.
const senderHues = [210, 145, 28, 280, 350, 185, 45, 250];

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s palette', (_name, colours) => {
  it.each(pairs)('draws %s on %s at 4.5:1 or more', (text, background) => {
    expect(colours[text]).toBeDefined();
    expect(colours[background]).toBeDefined();
    expect(contrast(hex(colours[text]!), hex(colours[background]!))).toBeGreaterThanOrEqual(4.5);
  });

  it('draws every sender name at 4.5:1 or more on a bubble', () => {
    const lightness = Number(
      /--ucr-sender-lightness:\s*(\d+)%/.exec(
        colours === light ? block('\n.ucr-root {') : darkClass,
      )![1],
    );
    for (const hue of senderHues) {
      const name = hsl(hue, 0.6, lightness / 100);
      expect(contrast(name, hex(colours['bubble-other']!))).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('the dark palette', () => {
  it('is the same under prefers-color-scheme as under the ucr-theme-dark class', () => {
    const declarations = (body: string) =>
      body
        .split(';')
        .map((line) => line.trim())
        .filter(Boolean);
    expect(declarations(darkMedia)).toEqual(declarations(darkClass));
  });
});
