export { allowPublicAction, refusalResponse, refusePublic, refuseUnauthorized, requireAuthorized } from "./guard";
export { contentSecurityPolicy, newNonce, SECURITY_HEADERS } from "./headers";
export { isPublicPath, safeNextPath } from "./paths";
export { authenticate, authorize, checkHostAndOrigin, checkSameOrigin, isAllowedHost, parseHostHeader, readCookie } from "./request";
export type { AuthContext, AuthDecision, HeaderSource, Principal, Refusal } from "./request";
export { createSessionValue, SESSION_COOKIE, sessionCookieOptions, verifySessionValue } from "./session";
export { activeUserTokenCount, createUserToken, findActiveUserToken, listUserTokens, revokeUserToken, verifyUserToken } from "./tokens";
export type { UserToken } from "./tokens";
