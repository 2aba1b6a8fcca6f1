/* Edit distance (distance.h). */
#include "distance.h"

int edit_distance(const char *a, int la, const char *b, int lb, int maxd)
{
    int d[DISTANCE_MAX_LEN + 1][DISTANCE_MAX_LEN + 1];
    if (la > DISTANCE_MAX_LEN || lb > DISTANCE_MAX_LEN) return maxd + 1;
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++) {
        for (int j = 1; j <= lb; j++) {
            int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb] > maxd ? maxd + 1 : d[la][lb];
}
