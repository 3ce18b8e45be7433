import { sql } from "drizzle-orm";
import type { Executor } from "../client";

/**
 * Rebuilds an advisor's `search_text` from their name, headline, bio and current skills
 * (with synonyms, so "node.js" finds a Node advisor). Call it in the same transaction as
 * any change to those.
 */
export async function refreshAdvisorSearchText(
  ex: Executor,
  params: { advisorId: string },
): Promise<void> {
  await ex.execute(sql`
    update advisors a set search_text = concat_ws(' ',
      a.display_name, a.headline, a.bio,
      (select string_agg(concat_ws(' ', s.name, s.slug,
                (select string_agg(ss.term, ' ') from skill_synonyms ss where ss.skill_id = s.id)), ' ')
         from advisor_skills ak join skills s on s.id = ak.skill_id
        where ak.advisor_id = a.user_id))
    where a.user_id = ${params.advisorId}`);
}
