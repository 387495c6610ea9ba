// drizzle-kit configuration: `npm run db:generate` (under `flock /tmp/hub-migrations.lock`) writes SQL migrations from the schema.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema/*.ts',
  out: './src/store/migrations',
});
