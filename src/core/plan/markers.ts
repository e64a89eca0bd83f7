import type { Marker } from './plan-types.js';

const FROM_CHAR: Record<string, Marker> = {
  ' ': 'pending',
  x: 'done',
  X: 'done',
  '?': 'blocked',
  '!': 'error',
};

const TO_CHAR: Record<Marker, string> = {
  pending: ' ',
  done: 'x',
  blocked: '?',
  error: '!',
};

export function markerFromChar(char: string): Marker | undefined {
  return FROM_CHAR[char];
}

export function markerChar(marker: Marker): string {
  return TO_CHAR[marker];
}
