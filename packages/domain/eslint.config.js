import domain from "@an/eslint-config/domain";

export default domain;
