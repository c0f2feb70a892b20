import { buildApp } from '#cdk/app.ts';

// `npx cdk synth`: context (stage, account, region, email domain) comes from cdk.json or -c.
buildApp().app.synth();
