import { buildApp } from '#cdk/stack.ts';

// `npx cdk synth`: context (account, region, email domain) comes from cdk.json or -c.
buildApp().app.synth();
