import { httpHandler, routesHandler } from '#contexts/http.ts';
import { ownPurchaseView } from '#contexts/purchases/handlers/view.ts';
import { listIncentives, listMyPurchases, listMySurveys } from '#contexts/purchases/routes.ts';
import { surveyStatuses } from '#contexts/purchases/rules/purchases.ts';
import {
  answeredSurveys,
  incentivesOf,
  ownPurchasesPage,
  participantOf,
  sellersOf,
} from '#contexts/purchases/store/purchases.ts';
import { getWave } from '#contexts/waves/store/waves.ts';
import { ApplicantIndexCursor, sealCursor, startOf } from '#platform/store/cursor.ts';

// What the citizen's dashboard reads about their training: incentives, purchases and
// surveys. One module, so one Lambda, for the three routes. The account id comes from
// the token only: a citizen reads nothing but their own.

const incentives = httpHandler(listIncentives, async ({ principal }) => ({
  status: 200,
  body: { items: await incentivesOf(principal.accountId) },
}));

const purchases = httpHandler(listMyPurchases, async ({ principal, query }) => {
  // Sealed for this list and this account: another list's or another citizen's cursor is 400.
  const list = `me-purchases:${principal.accountId}`;
  const start = await startOf(list, query.cursor, ApplicantIndexCursor);
  const page = await ownPurchasesPage(principal.accountId, start, query.limit);
  const { platforms, courseTitles } = await sellersOf(page.items);
  return {
    status: 200,
    body: {
      items: page.items.map((p) =>
        ownPurchaseView(p, platforms.get(p.partnerId), courseTitles.get(`${p.partnerId}#${p.courseId}`)),
      ),
      nextCursor: await sealCursor(list, page.next),
    },
  };
});

const surveys = httpHandler(listMySurveys, async ({ principal }) => {
  const [participant, answered] = await Promise.all([
    participantOf(principal.accountId),
    answeredSurveys(principal.accountId),
  ]);
  // As GET /v1/me/incentives: a citizen who is not a participant simply has none.
  if (!participant) return { status: 200, body: { items: [] } };
  const wave = await getWave(participant.waveId);
  return {
    status: 200,
    body: {
      items: surveyStatuses(wave?.scheme.surveyCount ?? 0, participant.completedCourses ?? 0, answered),
    },
  };
});

export const handler = routesHandler(
  [listIncentives, incentives],
  [listMyPurchases, purchases],
  [listMySurveys, surveys],
);
