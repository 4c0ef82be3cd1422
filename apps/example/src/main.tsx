import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { createGatewayClient } from "./gateway";
import "./styles.css";

// Read at build time (Vite): where the gateway is, and whether it runs trusted documents only.
const gatewayUrl = import.meta.env.VITE_GATEWAY_URL || "http://localhost:4000/graphql";
const trustedDocuments = import.meta.env.VITE_TRUSTED_DOCUMENTS === "true";
const client = createGatewayClient({ url: gatewayUrl, trustedDocuments });

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");
createRoot(root).render(
  <StrictMode>
    <App client={client} gatewayUrl={gatewayUrl} trustedDocuments={trustedDocuments} />
  </StrictMode>,
);
