import { sql } from "drizzle-orm";
import type { Executor } from "../client";

/**
 * Rebuilds an advisor's `search_text` from their name, headline, bio and current skills
 * (with synonyms, so "node.js" finds a Node advisor), and adds their name and skill words
 * to `discovery_terms`, the vocabulary typos are corrected against. Call it in the same
 * transaction as any change to those.
 */
export async function refreshAdvisorSearchText(
  ex: Executor,
  params: { advisorId: string },
): Promise<void> {
  await ex.execute(sql`
    with updated as (
      update advisors a set search_text = concat_ws(' ',
        a.display_name, a.headline, a.bio,
        (select string_agg(concat_ws(' ', s.name, s.slug,
                  (select string_agg(ss.term, ' ') from skill_synonyms ss where ss.skill_id = s.id)), ' ')
           from advisor_skills ak join skills s on s.id = ak.skill_id
          where ak.advisor_id = a.user_id))
      where a.user_id = ${params.advisorId}
      returning a.user_id, a.display_name
    )
    insert into discovery_terms (term)
    select distinct w.term
      from (select u.display_name as t from updated u
            union all
            select concat_ws(' ', s.name, s.slug,
                     (select string_agg(ss.term, ' ') from skill_synonyms ss where ss.skill_id = s.id))
              from updated u
              join advisor_skills ak on ak.advisor_id = u.user_id
              join skills s on s.id = ak.skill_id) src
      cross join lateral regexp_split_to_table(discovery_normalize(src.t), '\\s+') as w(term)
     where length(w.term) >= 2
    on conflict do nothing`);
}
