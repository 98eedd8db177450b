package geobuild

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/serasi/serasi/internal/dataset"
	"github.com/serasi/serasi/internal/domain"
)

// SampleSeed is the seed the committed sample files were generated with.
const SampleSeed = 20150417

// sampleMargin keeps sample shapes this many metres inside their kelurahan,
// so that no store's covers test can fall either way on a boundary.
const sampleMargin = 15.0

// lastSampleYear is the last year of the sample program data.
const lastSampleYear = 2024

// Sample is the illustrative program data.
type Sample struct {
	Forums        []domain.Forum    // ordered by id
	Projects      []domain.Project  // ordered by id
	Activities    []domain.Activity // ordered by date, id
	ConflictProne dataset.ConflictProne
}

// forumSpec is one hand-written sample forum; only the secretariat is
// placed at random.
type forumSpec struct {
	id, name    string
	kelurahan   []string
	yearFormed  int
	lastYear    int // last year with projects and activities
	status      domain.ForumStatus
	memberCount int
	description string
}

// The 2015 and 2017 cohorts of Forum Keserasian Sosial, in kelurahan where
// Baubau's social-harmony work has concentrated (dense coastal and old-town
// neighbourhoods). ILLUSTRATIVE: not the official list.
var forumSpecs = []forumSpec{
	{"fks-2015-wale", "FKS Kelurahan Wale", []string{"74.72.02.1001", "74.72.02.1002"}, 2015, lastSampleYear, domain.ForumActive, 25,
		"Formed with the 2015 cohort after clashes between youth groups of Wale and Tomba; meets monthly at the kelurahan office."},
	{"fks-2015-wajo", "FKS Kelurahan Wajo", []string{"74.72.06.1007"}, 2015, lastSampleYear, domain.ForumActive, 21,
		"Formed with the 2015 cohort in the market quarter of Wajo; brings together traders, religious leaders and youth."},
	{"fks-2015-bonebone", "FKS Kelurahan Bonebone", []string{"74.72.08.1001"}, 2015, 2019, domain.ForumInactive, 15,
		"Formed with the 2015 cohort in the fishing neighbourhood of Bonebone; inactive since 2020, when most of its board moved away."},
	{"fks-2017-kadolomoko", "FKS Kelurahan Kadolomoko", []string{"74.72.05.1005", "74.72.05.1006"}, 2017, lastSampleYear, domain.ForumActive, 23,
		"Formed with the 2017 cohort for Kadolomoko and Kadolo, after a land-boundary dispute between the two kelurahan."},
	{"fks-2017-katobengke", "FKS Kelurahan Katobengke", []string{"74.72.01.1007"}, 2017, lastSampleYear, domain.ForumActive, 19,
		"Formed with the 2017 cohort in Katobengke; known for its yearly Pekande-kandea feast shared by all neighbourhoods."},
}

// conflictProneWithoutForum are conflict-prone kelurahan that no forum
// serves yet.
var conflictProneWithoutForum = []string{"74.72.02.1003", "74.72.05.1003", "74.72.06.1010", "74.72.08.1002"}

// GenerateSample builds the illustrative forums, projects, activities and
// conflict-prone list over kels. The same kels and seed give the same
// sample; the result is checked by reading it back through dataset.
func GenerateSample(kels []domain.Kelurahan, seed uint64) (*Sample, error) {
	ds, err := dataset.New(nil, slices.Clone(kels), nil)
	if err != nil {
		return nil, err
	}
	g := &sampler{
		ds:  ds,
		rng: rand.New(rand.NewPCG(seed, seed^0x5e7a51)),
	}
	g.pl = newPlacer(g.rng, ds.Kelurahans, sampleMargin)
	s := &Sample{}
	if s.Forums, err = g.forums(); err != nil {
		return nil, err
	}
	if s.Projects, err = g.projects(s.Forums); err != nil {
		return nil, err
	}
	if s.Activities, err = g.activities(s.Forums); err != nil {
		return nil, err
	}
	var cp []string
	for _, f := range s.Forums {
		cp = append(cp, f.KelurahanCodes...)
	}
	cp = append(cp, conflictProneWithoutForum...)
	slices.Sort(cp)
	s.ConflictProne = dataset.ConflictProne{
		Illustrative: true,
		Note: "ILLUSTRATIVE sample, not an official list: kelurahan treated as prone to social conflict " +
			"in the sample program data. All kelurahan served by a sample forum are listed, and four that no forum serves yet.",
		Kelurahan: slices.Compact(cp),
	}
	if err := s.check(ds); err != nil {
		return nil, fmt.Errorf("geobuild: generated sample does not load: %w", err)
	}
	return s, nil
}

// check reads the encoded sample back through dataset, so that a sample
// that would not load is never written.
func (s *Sample) check(ds *dataset.Dataset) error {
	files, err := s.Files()
	if err != nil {
		return err
	}
	forums, err := ds.ReadForums(bytes.NewReader(files[dataset.ForumsFile]))
	if err != nil {
		return err
	}
	full, err := dataset.New(nil, ds.Kelurahans, forums)
	if err != nil {
		return err
	}
	if _, err := full.LoadProjects(bytes.NewReader(files[dataset.ProjectsFile])); err != nil {
		return err
	}
	_, err = full.ReadActivities(bytes.NewReader(files[dataset.ActivitiesFile]))
	return err
}

// Files returns the contents of the four sample files.
func (s *Sample) Files() (map[string][]byte, error) {
	var forums, projects, activities, cp bytes.Buffer
	if err := dataset.WriteForums(&forums, s.Forums); err != nil {
		return nil, err
	}
	if err := dataset.WriteProjects(&projects, s.Projects); err != nil {
		return nil, err
	}
	if err := dataset.WriteActivities(&activities, s.Activities); err != nil {
		return nil, err
	}
	if err := dataset.WriteConflictProne(&cp, s.ConflictProne); err != nil {
		return nil, err
	}
	return map[string][]byte{
		dataset.ForumsFile:        forums.Bytes(),
		dataset.ProjectsFile:      projects.Bytes(),
		dataset.ActivitiesFile:    activities.Bytes(),
		dataset.ConflictProneFile: cp.Bytes(),
	}, nil
}

type sampler struct {
	ds  *dataset.Dataset
	rng *rand.Rand
	pl  *placer
}

func (g *sampler) kelurahan(code string) (domain.Kelurahan, error) {
	k, ok := g.ds.Kelurahan(code)
	if !ok {
		return k, fmt.Errorf("geobuild: sample: kelurahan %s is not in the boundaries", code)
	}
	return k, nil
}

func (g *sampler) forums() ([]domain.Forum, error) {
	out := make([]domain.Forum, 0, len(forumSpecs))
	for _, f := range forumSpecs {
		home, err := g.kelurahan(f.kelurahan[0])
		if err != nil {
			return nil, err
		}
		pt, ok := g.pl.place(home, domain.HarmonyMonument, 10_000) // any Point kind
		if !ok {
			return nil, fmt.Errorf("geobuild: sample: no room for the secretariat of %s in %s", f.id, home.Name)
		}
		out = append(out, domain.Forum{
			ID: f.id, Name: f.name, KelurahanCodes: f.kelurahan, YearFormed: f.yearFormed, Status: f.status,
			MemberCount: f.memberCount, Secretariat: pt.(orb.Point), Description: f.description,
		})
	}
	slices.SortFunc(out, func(a, b domain.Forum) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// kindInfo sizes each kind of project.
var kindInfo = map[domain.ProjectKind]struct {
	minBudget, maxBudget int64 // rupiah
	minBenef, maxBenef   int
	description          string
}{
	domain.VillageRoad:                   {150e6, 500e6, 150, 900, "Concrete neighbourhood road (jalan lingkungan) built by residents of both sides of an old dispute working together (padat karya)."},
	domain.WorshipFacilityRehabilitation: {75e6, 300e6, 100, 600, "Roof, floor and ablution area of a place of worship repaired; the committee included members from neighbouring congregations."},
	domain.SportsField:                   {100e6, 400e6, 200, 1500, "Levelled and fenced field of about 100 × 60 m, open to youth teams from every neighbourhood."},
	domain.DrainageRehabilitation:        {100e6, 350e6, 150, 800, "Neighbourhood drain rebuilt to stop the seasonal flooding that had set neighbours against each other."},
	domain.CleanWaterSupply:              {50e6, 200e6, 80, 500, "Bored well, storage tank and public taps shared by households that had quarrelled over water."},
	domain.NeighbourhoodLighting:         {50e6, 150e6, 100, 700, "Solar street lamps along lanes where night-time fights between youth groups used to start."},
	domain.HarmonyMonument:               {50e6, 120e6, 300, 2000, "Small monument (tugu) marking the residents' shared commitment to social harmony."},
}

var worshipPlaces = []string{"Masjid Al-Ikhlas", "Masjid Nurul Huda", "Masjid Al-Muhajirin", "Musala Al-Falah", "Masjid Baitul Makmur", "Gereja Imanuel"}
var fieldNames = []string{"Lapangan voli", "Lapangan sepak bola mini", "Lapangan futsal terbuka", "Lapangan serbaguna"}

func (g *sampler) title(kind domain.ProjectKind, k domain.Kelurahan) string {
	rt := 1 + g.rng.IntN(12)
	switch kind {
	case domain.VillageRoad:
		return fmt.Sprintf("Jalan lingkungan RT %02d %s", rt, k.Name)
	case domain.WorshipFacilityRehabilitation:
		return fmt.Sprintf("Rehabilitasi %s %s", worshipPlaces[g.rng.IntN(len(worshipPlaces))], k.Name)
	case domain.SportsField:
		return fmt.Sprintf("%s %s", fieldNames[g.rng.IntN(len(fieldNames))], k.Name)
	case domain.DrainageRehabilitation:
		return fmt.Sprintf("Rehabilitasi drainase RT %02d %s", rt, k.Name)
	case domain.CleanWaterSupply:
		return fmt.Sprintf("Sarana air bersih RT %02d %s", rt, k.Name)
	case domain.NeighbourhoodLighting:
		return fmt.Sprintf("Penerangan jalan lingkungan RW %02d %s", 1+rt/4, k.Name)
	}
	return fmt.Sprintf("Tugu Keserasian Sosial %s", k.Name)
}

// projects builds 40 projects: every kind five or six times, most of them
// attached to a forum and lying in one of its kelurahan, every eighth with
// no forum in a kelurahan no forum serves.
func (g *sampler) projects(forums []domain.Forum) ([]domain.Project, error) {
	specByID := map[string]forumSpec{}
	for _, f := range forumSpecs {
		specByID[f.id] = f
	}
	noForum := append(slices.Clone(conflictProneWithoutForum), "74.72.08.1005", "74.72.04.1003") // + Lanto, Kampeonaho
	var out []domain.Project
	titles := map[string]int{}
	for i := range 40 {
		kind := domain.ProjectKinds[i%len(domain.ProjectKinds)]
		var (
			forumID  string
			kelCode  string
			yearFrom = dataset.MinYear
			yearTo   = lastSampleYear
		)
		if i%8 == 7 {
			kelCode = noForum[g.rng.IntN(len(noForum))]
		} else {
			f := forums[i%len(forums)]
			forumID = f.ID
			kelCode = f.KelurahanCodes[g.rng.IntN(len(f.KelurahanCodes))]
			yearFrom, yearTo = f.YearFormed, specByID[f.ID].lastYear
		}
		k, err := g.kelurahan(kelCode)
		if err != nil {
			return nil, err
		}
		geom, ok := g.pl.place(k, kind, 20_000)
		if !ok {
			return nil, fmt.Errorf("geobuild: sample: no room for a %s in %s", kind, k.Name)
		}
		info := kindInfo[kind]
		p := domain.Project{
			Kind: kind, Geometry: geom, KelurahanCode: k.Code, ForumID: forumID,
			Year:          yearFrom + g.rng.IntN(yearTo-yearFrom+1),
			BudgetRupiah:  info.minBudget + g.rng.Int64N((info.maxBudget-info.minBudget)/500_000+1)*500_000,
			Beneficiaries: info.minBenef + g.rng.IntN(info.maxBenef-info.minBenef+1),
			Description:   "Illustrative record. " + info.description,
		}
		p.Title = g.title(kind, k)
		if titles[p.Title]++; titles[p.Title] > 1 {
			p.Title = fmt.Sprintf("%s tahap %d", p.Title, titles[p.Title])
		}
		g.schedule(&p)
		out = append(out, p)
	}
	// Ids follow the year, as a register kept over the years would number them.
	slices.SortStableFunc(out, func(a, b domain.Project) int { return a.Year - b.Year })
	for i := range out {
		out[i].ID = fmt.Sprintf("prj-%03d", i+1)
	}
	return out, nil
}

// schedule sets a status and dates that fit the project's year: old
// projects are finished (a few cancelled), recent ones under way or planned.
func (g *sampler) schedule(p *domain.Project) {
	roll := g.rng.IntN(100)
	switch {
	case p.Year <= 2022 && roll < 8:
		p.Status = domain.ProjectCancelled
	case p.Year <= 2022, p.Year == 2023 && roll < 70:
		p.Status = domain.ProjectCompleted
	case p.Year == 2023, roll < 50:
		p.Status = domain.ProjectInProgress
	default:
		p.Status = domain.ProjectPlanned
		return
	}
	start := time.Date(p.Year, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 45+g.rng.IntN(200))
	p.StartDate = &start
	if p.Status == domain.ProjectCompleted {
		finish := start.AddDate(0, 0, 30+g.rng.IntN(120))
		p.FinishDate = &finish
	}
}

var activityTitles = map[domain.ActivityKind]string{
	domain.Dialogue:      "Dialog lintas kelompok pemuda %s",
	domain.Socialisation: "Sosialisasi pencegahan konflik sosial di %s",
	domain.Training:      "Pelatihan mediasi bagi pengurus FKS %s",
	domain.CulturalEvent: "Pekande-kandea bersama warga %s",
	domain.SportsEvent:   "Turnamen sepak bola antarlingkungan %s",
	domain.Mediation:     "Mediasi perselisihan antarwarga %s",
}

var activityInfo = map[domain.ActivityKind]struct {
	minPeople, maxPeople int
	description          string
}{
	domain.Dialogue:      {20, 60, "Evening dialogue between youth groups, religious and customary leaders, facilitated by the forum."},
	domain.Socialisation: {40, 150, "Public session on early warning of social conflict and on whom to call when tension rises."},
	domain.Training:      {15, 35, "Two-day training of forum members in mediation and conflict resolution."},
	domain.CulturalEvent: {100, 400, "Shared feast and Butonese dances that brought together neighbourhoods that had been at odds."},
	domain.SportsEvent:   {80, 300, "Football tournament with mixed teams drawn from rival neighbourhoods."},
	domain.Mediation:     {8, 25, "Forum-led mediation of a dispute between neighbours, ending in a written agreement."},
}

// activities builds 30 activities: every kind five times, spread over the
// forums and their years; every seventh has no recorded location.
func (g *sampler) activities(forums []domain.Forum) ([]domain.Activity, error) {
	specByID := map[string]forumSpec{}
	for _, f := range forumSpecs {
		specByID[f.id] = f
	}
	var out []domain.Activity
	for i := range 30 {
		kind := domain.ActivityKinds[i%len(domain.ActivityKinds)]
		f := forums[i%len(forums)]
		last := specByID[f.ID].lastYear
		year := f.YearFormed + g.rng.IntN(last-f.YearFormed+1)
		info := activityInfo[kind]
		a := domain.Activity{
			ForumID:      f.ID,
			Kind:         kind,
			Date:         time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(365)),
			Participants: info.minPeople + g.rng.IntN(info.maxPeople-info.minPeople+1),
			Description:  "Illustrative record. " + info.description,
		}
		if i%7 == 3 {
			a.KelurahanCode = f.KelurahanCodes[0]
		} else {
			a.KelurahanCode = f.KelurahanCodes[g.rng.IntN(len(f.KelurahanCodes))]
		}
		k, err := g.kelurahan(a.KelurahanCode)
		if err != nil {
			return nil, err
		}
		if i%7 != 3 {
			pt, ok := g.pl.place(k, domain.HarmonyMonument, 10_000)
			if !ok {
				return nil, fmt.Errorf("geobuild: sample: no room for an activity in %s", k.Name)
			}
			loc := pt.(orb.Point)
			a.Location = &loc
		}
		place := k.Name
		if kind == domain.Training {
			place = strings.TrimPrefix(f.Name, "FKS ")
		}
		a.Title = fmt.Sprintf(activityTitles[kind], place) + fmt.Sprintf(" %d", year)
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b domain.Activity) int { return a.Date.Compare(b.Date) })
	for i := range out {
		out[i].ID = fmt.Sprintf("act-%03d", i+1)
	}
	return out, nil
}
