import base from "@an/eslint-config/base";

export default base;
