import { authenticatePartner } from '#contexts/partners/partner-auth.ts';
import { usePartnerAuthentication } from '#platform/http/handler.ts';

// The HTTP pipeline as the contexts' handlers use it: the platform's, with the partners'
// signature check. Handlers take httpHandler and routesHandler from here (Biome refuses
// them from platform/http/handler.ts in contexts/), so no handler runs without it.
usePartnerAuthentication(authenticatePartner);

// biome-ignore lint/style/noRestrictedImports: the one place the contexts take them from
export { httpHandler, routesHandler } from '#platform/http/handler.ts';
