<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>main</name>
    <message>
        <source>Teach Stable Diffusion your own concepts with Perfusion.</source>
        <translation>Apprenez vos propres concepts à Stable Diffusion avec Perfusion.</translation>
    </message>
    <message>
        <source>Generate from this prompt once the model is loaded.</source>
        <translation>Générer à partir de ce prompt une fois le modèle chargé.</translation>
    </message>
    <message>
        <source>After the first generation, save the window to this file and quit.</source>
        <translation>Après la première génération, enregistrer la fenêtre dans ce fichier et quitter.</translation>
    </message>
    <message>
        <source>Images per run for --prompt.</source>
        <translation>Images par génération pour --prompt.</translation>
    </message>
    <message>
        <source>A PNG saved by Perfusion Studio whose settings to restore.</source>
        <translation>Un PNG enregistré par Perfusion Studio dont les paramètres sont à restaurer.</translation>
    </message>
    <message>
        <source>Train a concept from this folder of photos, generating with it, and save a screenshot of each stage (with --screenshot-dir).</source>
        <translation>Entraîner un concept à partir de ce dossier de photos, générer avec lui et enregistrer une capture d’écran de chaque étape (avec --screenshot-dir).</translation>
    </message>
    <message>
        <source>Where --tour saves its screenshots.</source>
        <translation>Où --tour enregistre ses captures d’écran.</translation>
    </message>
    <message>
        <source>The concept token for --tour.</source>
        <translation>Le jeton du concept pour --tour.</translation>
    </message>
    <message>
        <source>The supercategory for --tour.</source>
        <translation>La supercatégorie pour --tour.</translation>
    </message>
    <message>
        <source>Training steps for --tour.</source>
        <translation>Étapes d’entraînement pour --tour.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptBetaSliders</name>
    <message>
        <source>Fidelity &lt;-&gt; alignment of %1 alone; releasing the slider regenerates with the same seed.</source>
        <translation>Fidélité &lt;-&gt; alignement de %1 seul ; relâcher le curseur régénère avec la même graine.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptEditor</name>
    <message>
        <source>New Concept</source>
        <translation>Nouveau concept</translation>
    </message>
    <message>
        <source>Add Photos…</source>
        <translation>Ajouter des photos…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <source>&lt;name&gt;</source>
        <translation>&lt;nom&gt;</translation>
    </message>
    <message>
        <source>How prompts name the concept: lower-case letters, digits, _ and - in angle brackets, e.g. &lt;tom&gt;</source>
        <translation>Le nom du concept dans les prompts : minuscules, chiffres, _ et - entre chevrons, p. ex. &lt;tom&gt;</translation>
    </message>
    <message>
        <source>what it is, e.g. cat</source>
        <translation>ce que c’est, p. ex. cat</translation>
    </message>
    <message>
        <source>The everyday word for what the concept is; the concept is locked to it</source>
        <translation>Le mot courant pour ce qu’est le concept ; le concept y est verrouillé</translation>
    </message>
    <message>
        <source>Quick (%1 steps)</source>
        <translation>Rapide (%1 étapes)</translation>
    </message>
    <message>
        <source>Standard (%1 steps)</source>
        <translation>Standard (%1 étapes)</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personnalisé</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> étapes</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Jeton</translation>
    </message>
    <message>
        <source>Supercategory</source>
        <translation>Supercatégorie</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Entraîner</translation>
    </message>
    <message>
        <source>Photos of the concept (3 to 10 work best; drop more here):</source>
        <translation>Photos du concept (3 à 10 donnent les meilleurs résultats ; déposez-en d’autres ici) :</translation>
    </message>
    <message>
        <source>Not added (only readable photos can be used):
%1</source>
        <translation>Non ajoutés (seules les photos lisibles sont utilisables) :
%1</translation>
    </message>
    <message>
        <source>Add photos of the concept: drop them here or use Add Photos.</source>
        <translation>Ajoutez des photos du concept : déposez-les ici ou utilisez « Ajouter des photos ».</translation>
    </message>
    <message>
        <source>Give the concept a token, e.g. &lt;tom&gt;.</source>
        <translation>Donnez un jeton au concept, p. ex. &lt;tom&gt;.</translation>
    </message>
    <message>
        <source>The token is not usable: %1</source>
        <translation>Le jeton n’est pas utilisable : %1</translation>
    </message>
    <message>
        <source>The library already has a concept %1.</source>
        <translation>La bibliothèque contient déjà un concept %1.</translation>
    </message>
    <message>
        <source>Say what the concept is (its supercategory), e.g. cat.</source>
        <translation>Indiquez ce qu’est le concept (sa supercatégorie), p. ex. cat.</translation>
    </message>
    <message>
        <source>The supercategory is not usable: %1</source>
        <translation>La supercatégorie n’est pas utilisable : %1</translation>
    </message>
    <message>
        <source>Photos: %1. Ready to train.</source>
        <translation>Photos : %1. Prêt pour l’entraînement.</translation>
    </message>
    <message>
        <source>Add Photos</source>
        <translation>Ajouter des photos</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)</source>
        <translation>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Avancé</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryModel</name>
    <message>
        <source>No base model is loaded to check this concept against.</source>
        <translation>Aucun modèle de base n’est chargé pour vérifier ce concept.</translation>
    </message>
    <message>
        <source>Usable with the loaded base model.</source>
        <translation>Utilisable avec le modèle de base chargé.</translation>
    </message>
    <message>
        <source>Made for another base model (%1); it cannot be applied to the loaded one (%2).</source>
        <translation>Créé pour un autre modèle de base (%1) ; il ne peut pas être appliqué au modèle chargé (%2).</translation>
    </message>
    <message>
        <source>%1 (%2)
created %3</source>
        <translation>%1 (%2)
créé le %3</translation>
    </message>
    <message>
        <source>%1 is not a usable concept file: %2</source>
        <translation>%1 n’est pas un fichier de concept utilisable : %2</translation>
    </message>
    <message>
        <source>The library already has a concept %1.</source>
        <translation>La bibliothèque contient déjà un concept %1.</translation>
    </message>
    <message>
        <source>Cannot create the library folder %1.</source>
        <translation>Impossible de créer le dossier de la bibliothèque %1.</translation>
    </message>
    <message>
        <source>The library already has a file %1.</source>
        <translation>La bibliothèque contient déjà un fichier %1.</translation>
    </message>
    <message>
        <source>Could not copy %1 into the library: %2</source>
        <translation>Impossible de copier %1 dans la bibliothèque : %2</translation>
    </message>
    <message>
        <source>Cannot empty the trash folder %1.</source>
        <translation>Impossible de vider le dossier corbeille %1.</translation>
    </message>
    <message>
        <source>Cannot create the trash folder %1.</source>
        <translation>Impossible de créer le dossier corbeille %1.</translation>
    </message>
    <message>
        <source>The library has a concept %1 again; the deleted one stays deleted.</source>
        <translation>La bibliothèque a de nouveau un concept %1 ; celui supprimé le reste.</translation>
    </message>
    <message>
        <source>The token is not usable: %1</source>
        <translation>Le jeton n’est pas utilisable : %1</translation>
    </message>
    <message>
        <source>Could not rewrite %1: %2</source>
        <translation>Impossible de réécrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryPanel</name>
    <message>
        <source>Insert</source>
        <translation>Insérer</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Supprimer…</translation>
    </message>
    <message>
        <source>Double-click a concept to insert its token into the prompt</source>
        <translation>Double-cliquez sur un concept pour insérer son jeton dans le prompt</translation>
    </message>
    <message>
        <source>Insert the concept&apos;s token into the prompt</source>
        <translation>Insérer le jeton du concept dans le prompt</translation>
    </message>
    <message>
        <source>Save a copy of the concept file</source>
        <translation>Enregistrer une copie du fichier de concept</translation>
    </message>
    <message>
        <source>Remove the concept from the library</source>
        <translation>Retirer le concept de la bibliothèque</translation>
    </message>
    <message>
        <source>Export Concept</source>
        <translation>Exporter le concept</translation>
    </message>
    <message>
        <source>Concept files (*.safetensors)</source>
        <translation>Fichiers de concept (*.safetensors)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>Impossible d’enregistrer %1 : %2</translation>
    </message>
    <message>
        <source>Delete Concept</source>
        <translation>Supprimer le concept</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>Impossible de supprimer %1 : %2</translation>
    </message>
    <message>
        <source>Import Concept</source>
        <translation>Importer un concept</translation>
    </message>
    <message>
        <source>No concepts yet.

Drop photos of something (or a folder of them) here to teach it as a new concept, or a concept file (.safetensors) to import it.</source>
        <translation>Aucun concept pour l’instant.

Déposez ici des photos de quelque chose (ou un dossier de photos) pour l’apprendre comme nouveau concept, ou un fichier de concept (.safetensors) pour l’importer.</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Renommer…</translation>
    </message>
    <message>
        <source>Search token or supercategory</source>
        <translation>Chercher un jeton ou une supercatégorie</translation>
    </message>
    <message>
        <source>Change the concept&apos;s token, the name prompts use for it</source>
        <translation>Changer le jeton du concept, le nom que les prompts utilisent</translation>
    </message>
    <message>
        <source>Rename Concept</source>
        <translation>Renommer le concept</translation>
    </message>
    <message>
        <source>New token for %1 (prompts name the concept by it; prompts written with the old token need editing):</source>
        <translation>Nouveau jeton pour %1 (les prompts nomment le concept ainsi ; ceux écrits avec l’ancien jeton sont à modifier) :</translation>
    </message>
    <message>
        <source>Delete the concept %1 from the library? It can be restored with Undo until the next delete.</source>
        <translation>Supprimer le concept %1 de la bibliothèque ? Il peut être restauré avec Annuler jusqu’à la prochaine suppression.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptPhotosModel</name>
    <message>
        <source>%1: no photos in this folder</source>
        <translation>%1 : aucune photo dans ce dossier</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>fichier introuvable</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>pas une image</translation>
    </message>
    <message>
        <source>cannot be read (%1)</source>
        <translation>illisible (%1)</translation>
    </message>
    <message>
        <source>%1
The outlined square is what training sees.</source>
        <translation>%1
Le carré encadré est ce que voit l’entraînement.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::GenerationProgress</name>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>Step %1 of %2 · %3 left</source>
        <translation>Étape %1 sur %2 · %3 restantes</translation>
    </message>
    <message>
        <source>Step %1 of %2 · decoding</source>
        <translation>Étape %1 sur %2 · décodage</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::LossCurve</name>
    <message>
        <source>The loss appears here as training runs.</source>
        <translation>La perte apparaît ici pendant l’entraînement.</translation>
    </message>
    <message>
        <source>loss %1 … %2</source>
        <translation>perte %1 … %2</translation>
    </message>
    <message>
        <source>step %1 of %2</source>
        <translation>étape %1 sur %2</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::MainWindow</name>
    <message>
        <source>Perfusion Studio</source>
        <translation>Perfusion Studio</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Générer</translation>
    </message>
    <message>
        <source>Generate images from the prompt (Ctrl+Return)</source>
        <translation>Générer des images à partir du prompt (Ctrl+Entrée)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Arrêter la génération en cours (Échap)</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>&amp;Ouvrir une image…</translation>
    </message>
    <message>
        <source>&amp;Save Image…</source>
        <translation>&amp;Enregistrer l’image…</translation>
    </message>
    <message>
        <source>&amp;Copy Image</source>
        <translation>&amp;Copier l’image</translation>
    </message>
    <message>
        <source>Reuse &amp;Seed</source>
        <translation>Réutiliser la &amp;graine</translation>
    </message>
    <message>
        <source>Lock the seed of this image for the next run</source>
        <translation>Garder la graine de cette image pour la prochaine génération</translation>
    </message>
    <message>
        <source>Reuse Se&amp;ttings</source>
        <translation>Réutiliser les para&amp;mètres</translation>
    </message>
    <message>
        <source>Put the prompt and all settings of this image into the composer</source>
        <translation>Reprendre le prompt et tous les paramètres de cette image dans l’éditeur</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;About Perfusion Studio</source>
        <translation>À &amp;propos de Perfusion Studio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>&amp;Image</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Générer</translation>
    </message>
    <message>
        <source>Write a prompt and press Generate (Ctrl+Return).
Results appear here, and every run is kept in the history below.</source>
        <translation>Écrivez un prompt et cliquez sur « Générer » (Ctrl+Entrée).
Les résultats s’affichent ici, et chaque génération est conservée dans l’historique ci-dessous.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Ouvrir les paramètres…</translation>
    </message>
    <message>
        <source>Concept Library</source>
        <translation>Bibliothèque de concepts</translation>
    </message>
    <message>
        <source>Encoding the prompt…</source>
        <translation>Encodage du prompt…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Terminé.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Échec de la génération : %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;No base model is configured.&lt;/b&gt; Choose a Stable Diffusion 1.x checkpoint (a .safetensors file or a diffusers folder) in Settings to start generating.</source>
        <translation>&lt;b&gt;Aucun modèle de base n’est configuré.&lt;/b&gt; Choisissez un checkpoint Stable Diffusion 1.x (un fichier .safetensors ou un dossier diffusers) dans les paramètres pour commencer à générer.</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Aucun modèle</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modèle : %1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Appareil : %1</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Prêt.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The base model could not be loaded.&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Le modèle de base n’a pas pu être chargé.&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>Mémoire : %1</translation>
    </message>
    <message>
        <source> · GPU: %1 of %2</source>
        <translation> · GPU : %1 sur %2</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Ouvrir une image</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>Impossible d’ouvrir %1 : %2</translation>
    </message>
    <message>
        <source>Settings restored from %1</source>
        <translation>Paramètres restaurés depuis %1</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>Enregistrer l’image</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>Impossible d’enregistrer %1 : %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 enregistré</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>Images PNG (*.png)</translation>
    </message>
    <message>
        <source>Image copied to the clipboard</source>
        <translation>Image copiée dans le presse-papiers</translation>
    </message>
    <message>
        <source>About Perfusion Studio</source>
        <translation>À propos de Perfusion Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Teaches Stable Diffusion 1.x models personal concepts with Perfusion (key-locked rank-one editing) and generates images with them.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Apprend des concepts personnels aux modèles Stable Diffusion 1.x avec Perfusion (édition de rang un verrouillée par clé) et génère des images avec eux.&lt;/p&gt;&lt;p&gt;Distribué sous licence GNU GPL, version 3 ou ultérieure.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 was made for another base model and cannot be applied to this one.</source>
        <translation>%1 a été créé pour un autre modèle de base et ne peut pas être appliqué à celui-ci.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <source>%1 is ready and in the concept library.</source>
        <translation>%1 est prêt et dans la bibliothèque de concepts.</translation>
    </message>
    <message>
        <source>Training of %1 cancelled; nothing was added to the library.</source>
        <translation>Entraînement de %1 annulé ; rien n’a été ajouté à la bibliothèque.</translation>
    </message>
    <message>
        <source>Training of %1 failed: %2</source>
        <translation>L’entraînement de %1 a échoué : %2</translation>
    </message>
    <message>
        <source>Training needs a loaded base model.</source>
        <translation>L’entraînement nécessite un modèle de base chargé.</translation>
    </message>
    <message>
        <source>A concept is already training; wait for it or cancel it first.</source>
        <translation>Un concept est déjà en cours d’entraînement ; attendez-le ou annulez-le d’abord.</translation>
    </message>
    <message>
        <source>Cannot create the library folder %1.</source>
        <translation>Impossible de créer le dossier de la bibliothèque %1.</translation>
    </message>
    <message>
        <source>Training %1…</source>
        <translation>Entraînement de %1…</translation>
    </message>
    <message>
        <source>S&amp;weep</source>
        <translation>&amp;Balayage</translation>
    </message>
    <message>
        <source>Generate one seed at five fidelity ↔ alignment positions and show them side by side (Ctrl+Shift+Return)</source>
        <translation>Générer une graine à cinq positions fidélité ↔ alignement et les montrer côte à côte (Ctrl+Maj+Entrée)</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Balayage</translation>
    </message>
    <message>
        <source>Undo Delete</source>
        <translation>Annuler la suppression</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 supprimé.</translation>
    </message>
    <message>
        <source>Undo Delete of %1</source>
        <translation>Annuler la suppression de %1</translation>
    </message>
    <message>
        <source>%1 is back in the library.</source>
        <translation>%1 est de retour dans la bibliothèque.</translation>
    </message>
    <message>
        <source>Sweep done.</source>
        <translation>Balayage terminé.</translation>
    </message>
    <message>
        <source>A sweep moves the concepts&apos; fidelity ↔ alignment slider: put a concept token from the library into the prompt first.</source>
        <translation>Un balayage déplace le curseur fidélité ↔ alignement des concepts : mettez d’abord un jeton de concept de la bibliothèque dans le prompt.</translation>
    </message>
    <message>
        <source>Sweep: β %1 (%2 of %3)…</source>
        <translation>Balayage : β %1 (%2 sur %3)…</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PngMetadata</name>
    <message>
        <source>This PNG carries no Perfusion Studio settings.</source>
        <translation>Ce PNG ne contient aucun paramètre de Perfusion Studio.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PromptComposer</name>
    <message>
        <source>Describe the image, e.g. a photo of a cat sitting on a chair in the snow</source>
        <translation>Décrivez l’image, par ex. a photo of a cat sitting on a chair in the snow</translation>
    </message>
    <message>
        <source>What to avoid (optional)</source>
        <translation>Ce qu’il faut éviter (facultatif)</translation>
    </message>
    <message>
        <source>Karras sigmas</source>
        <translation>Sigmas de Karras</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Aléatoire</translation>
    </message>
    <message>
        <source>Karras noise schedule (Euler and DPM++ 2M only)</source>
        <translation>Planning de bruit de Karras (Euler et DPM++ 2M uniquement)</translation>
    </message>
    <message>
        <source>Classifier-free guidance: how strongly the image follows the prompt (1 or less: off)</source>
        <translation>Guidage sans classifieur : à quel point l’image suit le prompt (1 ou moins : désactivé)</translation>
    </message>
    <message>
        <source>Draw a new seed for every run</source>
        <translation>Tirer une nouvelle graine à chaque génération</translation>
    </message>
    <message>
        <source>Images per run</source>
        <translation>Images par génération</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Échantillonneur</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidage</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Lot</translation>
    </message>
    <message>
        <source>&amp;Prompt</source>
        <translation>&amp;Prompt</translation>
    </message>
    <message>
        <source>&amp;Negative prompt</source>
        <translation>Prompt &amp;négatif</translation>
    </message>
    <message>
        <source>Auto (%1)</source>
        <translation>Auto (%1)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>How the concepts in the prompt are weighed: towards Fidelity they look more like their photos, towards Alignment the image follows the rest of the prompt more. Releasing the slider regenerates with the same seed.</source>
        <translation>Poids des concepts du prompt : vers Fidélité, ils ressemblent davantage à leurs photos ; vers Alignement, l’image suit davantage le reste du prompt. Relâcher le curseur régénère avec la même graine.</translation>
    </message>
    <message>
        <source>Fidelity</source>
        <translation>Fidélité</translation>
    </message>
    <message>
        <source>Alignment</source>
        <translation>Alignement</translation>
    </message>
    <message>
        <source>Concepts</source>
        <translation>Concepts</translation>
    </message>
    <message>
        <source>Lock keys to supercategories (global locking)</source>
        <translation>Verrouiller les clés sur les supercatégories (verrouillage global)</translation>
    </message>
    <message>
        <source>Type &lt; to choose a concept from the library. Known concept tokens are shown in blue, unknown ones in red. Separate prompts with | to draw them side by side, from left to right, each in its own part of the picture.</source>
        <translation>Tapez &lt; pour choisir un concept de la bibliothèque. Les jetons connus sont en bleu, les inconnus en rouge. Séparez des prompts par | pour les dessiner côte à côte, de gauche à droite, chacun dans sa partie de l&apos;image.</translation>
    </message>
    <message>
        <source>Global locking: the attention keys of the whole prompt are computed as if each concept token were its supercategory word, and only the values carry the concept. The layout follows what the base model draws for the supercategory, often at some cost in likeness. Off (the default), each concept&apos;s keys are locked by its own edit.</source>
        <translation>Verrouillage global : les clés d’attention de tout le prompt sont calculées comme si chaque jeton de concept était le mot de sa supercatégorie ; seules les valeurs portent le concept. La composition suit ce que le modèle de base dessine pour la supercatégorie, souvent au prix de la ressemblance. Désactivé (par défaut), les clés de chaque concept sont verrouillées par sa propre édition.</translation>
    </message>
    <message>
        <source>This model samples best at %1.</source>
        <translation>Ce modèle génère au mieux à %1.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultPanel</name>
    <message>
        <source>The parameters of the selected image appear here.</source>
        <translation>Les paramètres de l’image sélectionnée s’affichent ici.</translation>
    </message>
    <message>
        <source>%1 × %2 · %3 · %4</source>
        <translation>%1 × %2 · %3 · %4</translation>
    </message>
    <message>
        <source>%1 × %2 · opened from %3</source>
        <translation>%1 × %2 · ouverte depuis %3</translation>
    </message>
    <message>
        <source>No image selected</source>
        <translation>Aucune image sélectionnée</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultsModel</name>
    <message>
        <source>%1
Seed %2 · %3 steps · %4×%5</source>
        <translation>%1
Graine %2 · %3 étapes · %4×%5</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Stable Diffusion 1.x: .safetensors file or diffusers folder</source>
        <translation>Stable Diffusion 1.x : fichier .safetensors ou dossier diffusers</translation>
    </message>
    <message>
        <source>Only for single-file checkpoints</source>
        <translation>Uniquement pour les checkpoints en un seul fichier</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatique (CUDA si disponible)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <source>Automatic (fp16 on CUDA, fp32 on CPU)</source>
        <translation>Automatique (fp16 avec CUDA, fp32 sur le CPU)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>Fichier…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Dossier…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Modèle de base</translation>
    </message>
    <message>
        <source>%1 is set: this session uses %2.</source>
        <translation>%1 est défini : cette session utilise %2.</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokeniseur</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Appareil</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Précision</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Dossier de sortie</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>A new language takes effect when the app restarts.</source>
        <translation>Une nouvelle langue prend effet au redémarrage de l’application.</translation>
    </message>
    <message>
        <source>Choose a checkpoint</source>
        <translation>Choisir un checkpoint</translation>
    </message>
    <message>
        <source>Safetensors checkpoints (*.safetensors)</source>
        <translation>Checkpoints safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose a diffusers folder</source>
        <translation>Choisir un dossier diffusers</translation>
    </message>
    <message>
        <source>Choose a tokenizer folder</source>
        <translation>Choisir un dossier de tokeniseur</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>Choisir le dossier de sortie</translation>
    </message>
    <message>
        <source>Empty: the bundled demo model. Or an SD 1.x .safetensors file or diffusers folder</source>
        <translation>Vide : le modèle de démonstration fourni. Ou un fichier .safetensors SD 1.x ou un dossier diffusers</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::SweepStrip</name>
    <message>
        <source>β %1</source>
        <translation>β %1</translation>
    </message>
    <message>
        <source>Sweep · seed %1 · fidelity (left) to alignment (right)</source>
        <translation>Balayage · graine %1 · fidélité (gauche) à alignement (droite)</translation>
    </message>
    <message>
        <source>Seed %1 at β %2: click to show it large</source>
        <translation>Graine %1 à β %2 : cliquez pour l’afficher en grand</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::TrainingAdvancedSettings</name>
    <message>
        <source>Seeds the noise and the order of the photos: the same seed and settings train the same concept</source>
        <translation>Fixe le bruit et l’ordre des photos : la même graine et les mêmes réglages entraînent le même concept</translation>
    </message>
    <message>
        <source>Images per optimizer step (effective batch, by gradient accumulation): more is smoother but each step takes longer</source>
        <translation>Images par pas d’optimisation (lot effectif, par accumulation de gradients) : plus est plus régulier, mais chaque pas est plus long</translation>
    </message>
    <message>
        <source>Learning rate of the token&apos;s word embedding</source>
        <translation>Taux d’apprentissage du plongement du jeton</translation>
    </message>
    <message>
        <source>Learning rate of the concept&apos;s value targets in cross-attention</source>
        <translation>Taux d’apprentissage des cibles de valeur du concept dans l’attention croisée</translation>
    </message>
    <message>
        <source>Automatic (where the supercategory is)</source>
        <translation>Automatique (là où est la supercatégorie)</translation>
    </message>
    <message>
        <source>None (whole image)</source>
        <translation>Aucun (image entière)</translation>
    </message>
    <message>
        <source>Which part of each photo the loss looks at: automatically the region the base model attends to for the supercategory word, or the whole image</source>
        <translation>Quelle partie de chaque photo la perte regarde : automatiquement la région à laquelle le modèle de base prête attention pour le mot de la supercatégorie, ou l’image entière</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation>Images par pas</translation>
    </message>
    <message>
        <source>Learning rate (embedding)</source>
        <translation>Taux d’apprentissage (plongement)</translation>
    </message>
    <message>
        <source>Learning rate (V)</source>
        <translation>Taux d’apprentissage (V)</translation>
    </message>
    <message>
        <source>Loss mask</source>
        <translation>Masque de perte</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::TrainingPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop training; nothing is added to the library</source>
        <translation>Arrêter l’entraînement ; rien n’est ajouté à la bibliothèque</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Samples of the concept while it learns (&quot;a photo of &lt;token&gt;&quot;)</source>
        <translation>Échantillons du concept pendant l’apprentissage (« a photo of &lt;token&gt; »)</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Échantillons</translation>
    </message>
    <message>
        <source>Drop photos of a concept on the window to train one.</source>
        <translation>Déposez des photos d’un concept sur la fenêtre pour en entraîner un.</translation>
    </message>
    <message>
        <source>Training %1 (%2) on %3 photos</source>
        <translation>Entraînement de %1 (%2) sur %3 photos</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>Préparation…</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Étape %1 sur %2</translation>
    </message>
    <message>
        <source> · loss %1</source>
        <translation> · perte %1</translation>
    </message>
    <message>
        <source> · %1 left</source>
        <translation> · encore %1</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>étape %1</translation>
    </message>
    <message>
        <source>Sample after step %1</source>
        <translation>Échantillon après l’étape %1</translation>
    </message>
</context>
</TS>
