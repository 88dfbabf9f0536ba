/*
 * Risk-adjustment annotation of a coder run (meat.c): the CMS-HCCs of each
 * suggested diagnosis, the note's hierarchies, and the MEAT documentation
 * check with its queries. Runs on the finished diagnosis list of a run.
 */
#ifndef MC_CODER_MEAT_H
#define MC_CODER_MEAT_H

#include "coder/coder_int.h"

/* Annotate r->dx in place (opts->hcc and opts->risk set); errors go to r->err. */
void mc__cac_hcc(run *r);

#endif
