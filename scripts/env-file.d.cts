/** Reads .env (or ENV_FILE) into process.env, leaving variables already set alone. */
export declare function loadEnvFile(): void;
