#!/usr/bin/env node
// `relaybot <command>` once installed: run the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('./index.ts');
