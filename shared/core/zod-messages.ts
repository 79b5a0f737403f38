/**
 * zod/mini carries no error messages of its own (the classic API loads them on import). The functions'
 * errors and the CLI's quote zod's English messages ("Unrecognized key: …", "Invalid input: expected
 * string, received number"), so every module that defines schemas imports this one first, for its effect.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
