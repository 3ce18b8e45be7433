import { router } from "../../trpc/init";
import { get } from "./get";
import { preview } from "./preview";
import { set } from "./set";
import { setAdvisorOnboarding } from "./set-advisor-onboarding";

/**
 * The rules an operator sets without a deploy (admins only): each kind's version in force
 * and its history, and a change as a new, audited version with a reason.
 */
export const platformRulesRouter = router({ get, preview, set, setAdvisorOnboarding });
