import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../tools/vitest.shared.js';

export default defineConfig({ test: sharedTestOptions });
