/* SPDX-License-Identifier: MIT */
/* What the meter measures over time: a constant load, a built-in daily
 * curve of a household, or a CSV of t_seconds,V,I,angle,f rows. Between
 * rows the load moves linearly; time is metrology time (--speed). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meterd.h"

/* Household current by hour of day (A): a night base, a morning peak, a
 * lunch bump and the evening peak. Voltage sags a little with the load;
 * small loads are motors and power supplies (lagging), big ones heaters. */
static const double daily_amps[24] = {0.8, 0.6, 0.5, 0.5, 0.5, 0.7, 2.5, 6.0,  4.0, 2.0, 1.5, 2.0,
                                      4.5, 3.0, 1.5, 1.5, 2.0, 4.0, 8.0, 10.0, 7.0, 4.0, 2.0, 1.2};

static bool parse_fields(const char *text, double *v, size_t n)
{
    const char *s = text;
    for (size_t i = 0; i < n; i++) {
        char *end;
        while (*s == ' ' || *s == '\t')
            s++;
        v[i] = strtod(s, &end);
        if (end == s || !isfinite(v[i]))
            return false;
        s = end;
        while (*s == ' ' || *s == '\t')
            s++;
        if (i + 1 < n) {
            if (*s != ',')
                return false;
            s++;
        }
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s == '\0';
}

static bool point_ok(const md_load_point *p)
{
    return p->volts >= 0 && p->volts <= 400 && p->amps >= 0 && p->amps <= 100 &&
           p->angle_deg >= -360 && p->angle_deg <= 360 && p->hz >= 0 && p->hz <= 100;
}

bool md_profile_parse_constant(md_load_point *p, const char *text)
{
    double v[4];
    if (!parse_fields(text, v, 4))
        return false;
    *p = (md_load_point){0, v[0], v[1], v[2], v[3]};
    return point_ok(p);
}

static void make_daily(md_profile *prof)
{
    prof->n = 24;
    prof->pt = g_new0(md_load_point, 24);
    prof->period_s = 86400;
    for (size_t h = 0; h < 24; h++) {
        double a = daily_amps[h];
        double angle = 25.0 - 2.0 * a;
        prof->pt[h] =
            (md_load_point){(double)h * 3600, 233.0 - 0.4 * a, a, angle < 5.0 ? 5.0 : angle, 50.0};
    }
}

static bool load_csv(md_profile *prof, const char *path, GError **error)
{
    gchar *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, error))
        return false;
    gchar **lines = g_strsplit(text, "\n", -1);
    g_free(text);
    GArray *pts = g_array_new(FALSE, FALSE, sizeof(md_load_point));
    bool ok = true;
    for (size_t i = 0; lines[i] != NULL && ok; i++) {
        char *l = g_strstrip(lines[i]);
        if (l[0] == '\0' || l[0] == '#')
            continue;
        double v[5];
        if (!parse_fields(l, v, 5)) {
            if (pts->len == 0 && g_ascii_isalpha(l[0]))
                continue; /* a header row */
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s:%zu: expected t_seconds,V,I,angle,f", path, i + 1);
            ok = false;
            break;
        }
        md_load_point p = {v[0], v[1], v[2], v[3], v[4]};
        const md_load_point *last =
            pts->len > 0 ? &g_array_index(pts, md_load_point, pts->len - 1) : NULL;
        if (!point_ok(&p) || p.t_s < 0 || (last != NULL && p.t_s <= last->t_s)) {
            g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                        "%s:%zu: value out of range or time not increasing", path, i + 1);
            ok = false;
            break;
        }
        g_array_append_val(pts, p);
    }
    g_strfreev(lines);
    if (ok && pts->len == 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: no rows", path);
        ok = false;
    }
    prof->n = pts->len;
    prof->pt = (md_load_point *)(void *)g_array_free(pts, !ok);
    if (!ok) {
        prof->pt = NULL;
        prof->n = 0;
    }
    prof->period_s = 0;
    return ok;
}

bool md_profile_load(md_profile *prof, const char *spec, GError **error)
{
    memset(prof, 0, sizeof *prof);
    if (strcmp(spec, "daily") == 0) {
        make_daily(prof);
        return true;
    }
    return load_csv(prof, spec, error);
}

md_load_point md_profile_at(const md_profile *prof, double t_s)
{
    if (prof->n == 1 || t_s <= prof->pt[0].t_s)
        return prof->pt[0];
    if (prof->period_s > 0)
        t_s = fmod(t_s, prof->period_s);
    size_t i = 0;
    while (i + 1 < prof->n && prof->pt[i + 1].t_s <= t_s)
        i++;
    const md_load_point *a = &prof->pt[i];
    md_load_point b;
    if (i + 1 < prof->n)
        b = prof->pt[i + 1];
    else if (prof->period_s > 0) {
        b = prof->pt[0]; /* wrap to the next day */
        b.t_s = prof->period_s;
    } else
        return *a; /* past the last row: hold it */
    double f = (t_s - a->t_s) / (b.t_s - a->t_s);
    md_load_point r = {t_s, a->volts + f * (b.volts - a->volts), a->amps + f * (b.amps - a->amps),
                       a->angle_deg + f * (b.angle_deg - a->angle_deg), a->hz + f * (b.hz - a->hz)};
    return r;
}

void md_load_to_fw(klefr_fw_load *out, const md_load_point *p)
{
    klefr_fw_load_from_angle(
        out, (uint32_t)lround(p->volts * 1000.0), (uint32_t)lround(p->amps * 1000.0),
        (int32_t)lround(p->angle_deg * 100.0), (uint32_t)lround(p->hz * 1000.0));
}
