"""Words that make a capitalised phrase an organisation, a product, a job or a town.

spaCy's small French model tags most capitalised words it does not know as
PER: « Capgemini », « Figma », « Bureau Vallée », « Product Owner »,
« Darty Mérignac ». dev2_fr (issue 15) measured 16.6 % of its harmless values
hit, nearly all by NER. These lists let ``name_evidence.py`` drop such a
finding when no name supports it. Lower case, accents as written; the lookup
also tries the unaccented form.
"""

from __future__ import annotations

__all__ = ["JOB_WORDS", "ORG_HEADS", "PRODUCT_WORDS", "SOFTWARE", "TOWNS"]


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Nouns that open the name of a shop, a firm or an institution: « Menuiserie
# Pasquier », « Cabinet Fiducial », « Lycée Victor Hugo », « Mairie de Vannes ».
ORG_HEADS: frozenset[str] = _words(
    """
menuiserie boulangerie pâtisserie boucherie charcuterie pharmacie librairie imprimerie
garage carrosserie plomberie serrurerie quincaillerie fromagerie épicerie brasserie
restaurant café hôtel hotel camping ferme domaine château cave caves atelier ateliers
cabinet bureau bureaux agence société groupe entreprise entreprises établissements ets
maison maisons clinique hôpital hopital centre laboratoire labo institut fondation
association fédération syndicat chambre comité mairie préfecture tribunal conseil
lycée collège école université faculté campus résidence salle studio transports
banque caisse crédit mutuelle assurances compagnie office direction département
service services cabinet club cinéma théâtre musée parc stade gymnase piscine
"""
)

# Words of a job title: « Senior Manager », « Product Owner », « Assistante
# commerciale », « Chef d'équipe ».
JOB_WORDS: frozenset[str] = _words(
    """
responsable assistant assistante manager managers directeur directrice chef cheffe
chargé chargée technicien technicienne ingénieur ingénieure consultant consultante
comptable commercial commerciale développeur développeuse product project owner senior
junior lead head officer analyst analyste stagiaire alternant alternante gérant gérante
président présidente secrétaire conseiller conseillère coordinateur coordinatrice
opérateur opératrice agent agente employé employée vendeur vendeuse cariste magasinier
juriste avocat avocate designer architecte acheteur acheteuse auditeur auditrice
contrôleur contrôleuse gestionnaire administrateur administratrice superviseur
superviseuse formateur formatrice scrum master engineer developer director partner
associate intern trainee vp ceo cfo cto coo daf drh dsi rh
"""
)

# Software, SaaS and device names written in French workplaces that NER takes
# for people; the companies whose names read like a person's are in
# ``lexicon.BRANDS``.
SOFTWARE: frozenset[str] = _words(
    """
figma canva notion slack jira confluence trello asana monday airtable zapier make
salesforce hubspot pipedrive zendesk freshdesk intercom stripe paypal qonto shine
pennylane payfit silae cegid sage quickbooks odoo dolibarr axonaut sellsy ebp
ansible terraform kubernetes docker jenkins gitlab github bitbucket grafana kibana
prometheus datadog sentry vault okta auth0 keycloak cloudflare scaleway ovh ovhcloud
heroku vercel netlify firebase supabase postgres postgresql mysql mariadb mongodb redis
elasticsearch kafka rabbitmq nginx apache haproxy tomcat wordpress drupal prestashop
shopify woocommerce magento wix squarespace mailchimp brevo sendinblue sendgrid mailjet
twilio teamviewer anydesk zoom teams sharepoint onedrive outlook excel powerpoint word
tableau looker metabase qlik bitwarden keepass lastpass dashlane synology freebox
livebox bbox sfr ameli urssaf doctolib swile sumup lemonway mangopay
openai chatgpt anthropic mistral gemini copilot midjourney perplexity
capgemini sopra steria atos accenture deloitte kpmg mazars fiducial proxiserve foncia
nexity citya agirc-arrco arrco agirc apec onisep cnil inpi insee bpi dgfip
python java javascript typescript react angular vue django flask spark airflow hadoop
pandas numpy tensorflow pytorch scala kotlin php laravel symfony linux ubuntu debian
snowflake databricks dbt
"""
)

# The larger French towns (INSEE population ranking, from memory) and the
# Paris suburbs that offices are in: a town beside a brand (« Darty
# Mérignac ») or alone is not a person.
TOWNS: frozenset[str] = _words(
    """
paris marseille lyon toulouse nice nantes montpellier strasbourg bordeaux lille rennes
reims toulon grenoble dijon angers nîmes villeurbanne clermont-ferrand aix-en-provence
brest tours amiens limoges annecy perpignan boulogne-billancourt metz besançon orléans
rouen mulhouse caen nancy argenteuil montreuil roubaix tourcoing avignon nanterre
poitiers créteil versailles pau colombes vitry-sur-seine asnières-sur-seine aubervilliers
courbevoie cherbourg rueil-malmaison champigny-sur-marne béziers la rochelle
saint-denis saint-étienne saint-nazaire saint-maur-des-fossés saint-pierre saint-paul
calais cannes antibes drancy ajaccio mérignac colmar issy-les-moulineaux noisy-le-grand
vénissieux cergy levallois-perret valence bourges quimper pessac troyes clichy
ivry-sur-seine chambéry lorient niort sarcelles villejuif épinay-sur-seine hyères
vannes beauvais cholet meaux chelles pantin évry fréjus laval bondy arles clamart
narbonne annemasse sartrouville grasse bayonne belfort neuilly-sur-seine vélizy
vertou chartres angoulême massy la défense gennevilliers puteaux suresnes montrouge
bezons blagnac colomiers labège saint-herblain rezé sophia-antipolis marne-la-vallée
roissy orly rungis villepinte bobigny saint-ouen ivry malakoff vanves meudon sèvres
brétigny brétigny-sur-orge évry-courcouronnes corbeil-essonnes palaiseau saclay orsay
les ulis massy-palaiseau juvisy savigny-sur-orge draveil athis-mons longjumeau
montigny-le-bretonneux guyancourt saint-quentin-en-yvelines trappes élancourt plaisir
poissy mantes-la-jolie les mureaux conflans-sainte-honorine saint-germain-en-laye
chatou le vésinet le chesnay rambouillet houilles bezons argenteuil ermont eaubonne
pontoise cergy-pontoise gonesse garges-lès-gonesse villiers-le-bel goussainville
aulnay-sous-bois sevran villemomble rosny-sous-bois montreuil-sous-bois bagnolet
romainville noisy-le-sec pantin le blanc-mesnil tremblay-en-france livry-gargan
vincennes saint-mandé charenton nogent-sur-marne fontenay-sous-bois joinville
maisons-alfort alfortville villeneuve-saint-georges choisy-le-roi thiais orly
cachan arcueil gentilly kremlin-bicêtre bagneux châtillon clamart fontenay-aux-roses
sceaux antony châtenay-malabry le plessis-robinson garches saint-cloud chaville
villeneuve-d'ascq villeneuve-d’ascq marcq-en-barœul lambersart wasquehal armentières
douai valenciennes maubeuge cambrai arras lens béthune dunkerque boulogne-sur-mer
saint-omer abbeville compiègne creil soissons laon saint-quentin charleville-mézières
sedan épernay châlons-en-champagne saint-dizier chaumont épinal thionville forbach
sarreguemines haguenau sélestat saint-louis montbéliard dole lons-le-saunier
mâcon chalon-sur-saône le creusot nevers auxerre sens vichy montluçon moulins
roanne villefranche-sur-saône bourg-en-bresse oyonnax annemasse thonon-les-bains
aix-les-bains albertville gap briançon digne manosque salon-de-provence aubagne
la ciotat martigues istres vitrolles marignane la seyne-sur-mer draguignan
saint-raphaël menton cagnes-sur-mer carpentras orange cavaillon alès sète agde
lunel castres albi montauban rodez cahors figeac tarbes lourdes auch agen mont-de-marsan
dax biarritz anglet libourne arcachon périgueux bergerac brive-la-gaillarde tulle
guéret châteauroux vierzon blois vendôme saumur cholet la roche-sur-yon les sables-d'olonne
saint-malo dinan saint-brieuc lannion morlaix guingamp concarneau douarnenez
quimperlé pontivy auray ploërmel redon vitré fougères laval mayenne alençon
lisieux bayeux saint-lô granville évreux vernon dieppe fécamp le havre elbeuf
louviers beauvais senlis chantilly meaux melun fontainebleau provins coulommiers
nemours étampes dreux châteaudun montargis gien pithiviers joué-lès-tours
rochefort royan saintes cognac niort châtellerault thouars bressuire
bruxelles liège namur charleroi anvers gand mons genève lausanne bâle zurich berne
luxembourg monaco
"""
)

# English and French words that brand a product, an offer or a document
# heading: « Exchange Online », « Bot Compta », « Black Friday », « Curriculum
# Vitae », « Bosch Série 6 ». Beside no known name, NER's PER on them is dropped.
PRODUCT_WORDS: frozenset[str] = _words(
    """
online cloud pro plus premium business office suite team bot black friday cyber monday
curriculum vitae série series edition édition store shop market express box mobile digital
solutions consulting lab labs hub center studio live connect smart home max mini air
ultra prime gold silver platinum starter essentiel essentials compta paie vitale
"""
)
