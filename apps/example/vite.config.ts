import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm example` serves the page on http://localhost:5173: another origin than the gateway's, so the
// gateway must allow it (GATEWAY_CORS_ORIGINS). The browser test builds and previews on free ports.
export default defineConfig({
  plugins: [react()],
  server: { host: "localhost", port: 5173, strictPort: true },
  preview: { host: "localhost", port: 4173, strictPort: true },
});
