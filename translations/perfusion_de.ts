<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <source>Teach Stable Diffusion your own concepts with Perfusion.</source>
        <translation>Stable Diffusion mit Perfusion eigene Konzepte beibringen.</translation>
    </message>
    <message>
        <source>Generate from this prompt once the model is loaded.</source>
        <translation>Nach dem Laden des Modells aus diesem Prompt erzeugen.</translation>
    </message>
    <message>
        <source>After the first generation, save the window to this file and quit.</source>
        <translation>Nach dem ersten Erzeugen das Fenster in diese Datei speichern und beenden.</translation>
    </message>
    <message>
        <source>Images per run for --prompt.</source>
        <translation>Bilder pro Lauf für --prompt.</translation>
    </message>
    <message>
        <source>A PNG saved by Perfusion Studio whose settings to restore.</source>
        <translation>Ein von Perfusion Studio gespeichertes PNG, dessen Einstellungen wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>Train a concept from this folder of photos, generating with it, and save a screenshot of each stage (with --screenshot-dir).</source>
        <translation>Aus diesem Fotoordner ein Konzept trainieren, damit erzeugen und jede Etappe als Bildschirmfoto speichern (mit --screenshot-dir).</translation>
    </message>
    <message>
        <source>Where --tour saves its screenshots.</source>
        <translation>Wohin --tour seine Bildschirmfotos speichert.</translation>
    </message>
    <message>
        <source>The concept token for --tour.</source>
        <translation>Das Konzept-Token für --tour.</translation>
    </message>
    <message>
        <source>The supercategory for --tour.</source>
        <translation>Die Oberkategorie für --tour.</translation>
    </message>
    <message>
        <source>Training steps for --tour.</source>
        <translation>Trainingsschritte für --tour.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptBetaSliders</name>
    <message>
        <source>Fidelity &lt;-&gt; alignment of %1 alone; releasing the slider regenerates with the same seed.</source>
        <translation>Treue &lt;-&gt; Prompttreue nur für %1; beim Loslassen des Reglers wird mit demselben Seed neu erzeugt.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptEditor</name>
    <message>
        <source>New Concept</source>
        <translation>Neues Konzept</translation>
    </message>
    <message>
        <source>Add Photos…</source>
        <translation>Fotos hinzufügen…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>&lt;name&gt;</source>
        <translation>&lt;name&gt;</translation>
    </message>
    <message>
        <source>How prompts name the concept: lower-case letters, digits, _ and - in angle brackets, e.g. &lt;tom&gt;</source>
        <translation>Wie Prompts das Konzept nennen: Kleinbuchstaben, Ziffern, _ und - in spitzen Klammern, z. B. &lt;tom&gt;</translation>
    </message>
    <message>
        <source>what it is, e.g. cat</source>
        <translation>was es ist, z. B. cat</translation>
    </message>
    <message>
        <source>The everyday word for what the concept is; the concept is locked to it</source>
        <translation>Das Alltagswort dafür, was das Konzept ist; das Konzept wird daran gebunden</translation>
    </message>
    <message>
        <source>Quick (%1 steps)</source>
        <translation>Schnell (%1 Schritte)</translation>
    </message>
    <message>
        <source>Standard (%1 steps)</source>
        <translation>Standard (%1 Schritte)</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Eigene</translation>
    </message>
    <message>
        <source> steps</source>
        <translation> Schritte</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Supercategory</source>
        <translation>Oberkategorie</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>Trainieren</translation>
    </message>
    <message>
        <source>Photos of the concept (3 to 10 work best; drop more here):</source>
        <translation>Fotos des Konzepts (3 bis 10 sind ideal; weitere hier ablegen):</translation>
    </message>
    <message>
        <source>Not added (only readable photos can be used):
%1</source>
        <translation>Nicht hinzugefügt (nur lesbare Fotos sind verwendbar):
%1</translation>
    </message>
    <message>
        <source>Add photos of the concept: drop them here or use Add Photos.</source>
        <translation>Fügen Sie Fotos des Konzepts hinzu: hier ablegen oder „Fotos hinzufügen“ verwenden.</translation>
    </message>
    <message>
        <source>Give the concept a token, e.g. &lt;tom&gt;.</source>
        <translation>Geben Sie dem Konzept ein Token, z. B. &lt;tom&gt;.</translation>
    </message>
    <message>
        <source>The token is not usable: %1</source>
        <translation>Das Token ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>The library already has a concept %1.</source>
        <translation>Die Bibliothek enthält bereits ein Konzept %1.</translation>
    </message>
    <message>
        <source>Say what the concept is (its supercategory), e.g. cat.</source>
        <translation>Geben Sie an, was das Konzept ist (seine Oberkategorie), z. B. cat.</translation>
    </message>
    <message>
        <source>The supercategory is not usable: %1</source>
        <translation>Die Oberkategorie ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Photos: %1. Ready to train.</source>
        <translation>Fotos: %1. Bereit zum Training.</translation>
    </message>
    <message>
        <source>Add Photos</source>
        <translation>Fotos hinzufügen</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryModel</name>
    <message>
        <source>No base model is loaded to check this concept against.</source>
        <translation>Es ist kein Basismodell geladen, gegen das dieses Konzept geprüft werden könnte.</translation>
    </message>
    <message>
        <source>Usable with the loaded base model.</source>
        <translation>Mit dem geladenen Basismodell verwendbar.</translation>
    </message>
    <message>
        <source>Made for another base model (%1); it cannot be applied to the loaded one (%2).</source>
        <translation>Für ein anderes Basismodell erstellt (%1); es kann nicht auf das geladene (%2) angewendet werden.</translation>
    </message>
    <message>
        <source>%1 (%2)
created %3</source>
        <translation>%1 (%2)
erstellt am %3</translation>
    </message>
    <message>
        <source>%1 is not a usable concept file: %2</source>
        <translation>%1 ist keine verwendbare Konzeptdatei: %2</translation>
    </message>
    <message>
        <source>The library already has a concept %1.</source>
        <translation>Die Bibliothek enthält bereits ein Konzept %1.</translation>
    </message>
    <message>
        <source>Cannot create the library folder %1.</source>
        <translation>Der Bibliotheksordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The library already has a file %1.</source>
        <translation>Die Bibliothek enthält bereits eine Datei %1.</translation>
    </message>
    <message>
        <source>Could not copy %1 into the library: %2</source>
        <translation>%1 konnte nicht in die Bibliothek kopiert werden: %2</translation>
    </message>
    <message>
        <source>Cannot empty the trash folder %1.</source>
        <translation>Der Papierkorb-Ordner %1 kann nicht geleert werden.</translation>
    </message>
    <message>
        <source>Cannot create the trash folder %1.</source>
        <translation>Der Papierkorb-Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The library has a concept %1 again; the deleted one stays deleted.</source>
        <translation>Die Bibliothek hat wieder ein Konzept %1; das gelöschte bleibt gelöscht.</translation>
    </message>
    <message>
        <source>The token is not usable: %1</source>
        <translation>Das Token ist nicht verwendbar: %1</translation>
    </message>
    <message>
        <source>Could not rewrite %1: %2</source>
        <translation>%1 konnte nicht neu geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptLibraryPanel</name>
    <message>
        <source>Insert</source>
        <translation>Einfügen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Double-click a concept to insert its token into the prompt</source>
        <translation>Doppelklick auf ein Konzept fügt sein Token in den Prompt ein</translation>
    </message>
    <message>
        <source>Insert the concept&apos;s token into the prompt</source>
        <translation>Das Token des Konzepts in den Prompt einfügen</translation>
    </message>
    <message>
        <source>Save a copy of the concept file</source>
        <translation>Eine Kopie der Konzeptdatei speichern</translation>
    </message>
    <message>
        <source>Remove the concept from the library</source>
        <translation>Das Konzept aus der Bibliothek entfernen</translation>
    </message>
    <message>
        <source>Export Concept</source>
        <translation>Konzept exportieren</translation>
    </message>
    <message>
        <source>Concept files (*.safetensors)</source>
        <translation>Konzeptdateien (*.safetensors)</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Delete Concept</source>
        <translation>Konzept löschen</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Import Concept</source>
        <translation>Konzept importieren</translation>
    </message>
    <message>
        <source>No concepts yet.

Drop photos of something (or a folder of them) here to teach it as a new concept, or a concept file (.safetensors) to import it.</source>
        <translation>Noch keine Konzepte.

Legen Sie hier Fotos von etwas (oder einen Ordner damit) ab, um es als neues Konzept zu trainieren, oder eine Konzeptdatei (.safetensors), um sie zu importieren.</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen…</translation>
    </message>
    <message>
        <source>Search token or supercategory</source>
        <translation>Token oder Oberkategorie suchen</translation>
    </message>
    <message>
        <source>Change the concept&apos;s token, the name prompts use for it</source>
        <translation>Das Token des Konzepts ändern, den Namen, mit dem Prompts es nennen</translation>
    </message>
    <message>
        <source>Rename Concept</source>
        <translation>Konzept umbenennen</translation>
    </message>
    <message>
        <source>New token for %1 (prompts name the concept by it; prompts written with the old token need editing):</source>
        <translation>Neues Token für %1 (Prompts nennen das Konzept damit; Prompts mit dem alten Token müssen angepasst werden):</translation>
    </message>
    <message>
        <source>Delete the concept %1 from the library? It can be restored with Undo until the next delete.</source>
        <translation>Das Konzept %1 aus der Bibliothek löschen? Bis zum nächsten Löschen lässt es sich mit Rückgängig wiederherstellen.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ConceptPhotosModel</name>
    <message>
        <source>%1: no photos in this folder</source>
        <translation>%1: keine Fotos in diesem Ordner</translation>
    </message>
    <message>
        <source>no such file</source>
        <translation>Datei nicht vorhanden</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>kein Bild</translation>
    </message>
    <message>
        <source>cannot be read (%1)</source>
        <translation>nicht lesbar (%1)</translation>
    </message>
    <message>
        <source>%1
The outlined square is what training sees.</source>
        <translation>%1
Das umrandete Quadrat ist, was das Training sieht.</translation>
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
        <translation>Schritt %1 von %2 · noch %3</translation>
    </message>
    <message>
        <source>Step %1 of %2 · decoding</source>
        <translation>Schritt %1 von %2 · Dekodieren</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::LossCurve</name>
    <message>
        <source>The loss appears here as training runs.</source>
        <translation>Der Verlust erscheint hier während des Trainings.</translation>
    </message>
    <message>
        <source>loss %1 … %2</source>
        <translation>Verlust %1 … %2</translation>
    </message>
    <message>
        <source>step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
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
        <translation>&amp;Erzeugen</translation>
    </message>
    <message>
        <source>Generate images from the prompt (Ctrl+Return)</source>
        <translation>Bilder aus dem Prompt erzeugen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Laufende Erzeugung anhalten (Esc)</translation>
    </message>
    <message>
        <source>&amp;Open Image…</source>
        <translation>Bild ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Save Image…</source>
        <translation>Bild &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Copy Image</source>
        <translation>Bild &amp;kopieren</translation>
    </message>
    <message>
        <source>Reuse &amp;Seed</source>
        <translation>&amp;Seed übernehmen</translation>
    </message>
    <message>
        <source>Lock the seed of this image for the next run</source>
        <translation>Den Seed dieses Bildes für den nächsten Lauf festhalten</translation>
    </message>
    <message>
        <source>Reuse Se&amp;ttings</source>
        <translation>Einstellungen ü&amp;bernehmen</translation>
    </message>
    <message>
        <source>Put the prompt and all settings of this image into the composer</source>
        <translation>Prompt und alle Einstellungen dieses Bildes in den Editor übernehmen</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;About Perfusion Studio</source>
        <translation>Ü&amp;ber Perfusion Studio</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>&amp;Bild</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Erzeugen</translation>
    </message>
    <message>
        <source>Write a prompt and press Generate (Ctrl+Return).
Results appear here, and every run is kept in the history below.</source>
        <translation>Schreiben Sie einen Prompt und klicken Sie auf „Erzeugen“ (Strg+Eingabe).
Die Ergebnisse erscheinen hier, jeder Lauf bleibt unten im Verlauf erhalten.</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Einstellungen öffnen…</translation>
    </message>
    <message>
        <source>Concept Library</source>
        <translation>Konzeptbibliothek</translation>
    </message>
    <message>
        <source>Encoding the prompt…</source>
        <translation>Prompt wird kodiert…</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Erzeugen fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;No base model is configured.&lt;/b&gt; Choose a Stable Diffusion 1.x checkpoint (a .safetensors file or a diffusers folder) in Settings to start generating.</source>
        <translation>&lt;b&gt;Kein Basismodell eingerichtet.&lt;/b&gt; Wählen Sie in den Einstellungen einen Stable-Diffusion-1.x-Checkpoint (eine .safetensors-Datei oder einen diffusers-Ordner), um Bilder zu erzeugen.</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Bereit.</translation>
    </message>
    <message>
        <source>&lt;b&gt;The base model could not be loaded.&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Das Basismodell konnte nicht geladen werden.&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>Speicher: %1</translation>
    </message>
    <message>
        <source> · GPU: %1 of %2</source>
        <translation> · GPU: %1 von %2</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Open Image</source>
        <translation>Bild öffnen</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Settings restored from %1</source>
        <translation>Einstellungen aus %1 wiederhergestellt</translation>
    </message>
    <message>
        <source>Save Image</source>
        <translation>Bild speichern</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Image copied to the clipboard</source>
        <translation>Bild in die Zwischenablage kopiert</translation>
    </message>
    <message>
        <source>About Perfusion Studio</source>
        <translation>Über Perfusion Studio</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Teaches Stable Diffusion 1.x models personal concepts with Perfusion (key-locked rank-one editing) and generates images with them.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Perfusion Studio %1&lt;/h3&gt;&lt;p&gt;Bringt Stable-Diffusion-1.x-Modellen mit Perfusion (schlüsselgebundene Rang-eins-Bearbeitung) persönliche Konzepte bei und erzeugt damit Bilder.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU GPL, Version 3 oder später.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 was made for another base model and cannot be applied to this one.</source>
        <translation>%1 wurde für ein anderes Basismodell erstellt und kann auf dieses nicht angewendet werden.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>%1 is ready and in the concept library.</source>
        <translation>%1 ist fertig und in der Konzeptbibliothek.</translation>
    </message>
    <message>
        <source>Training of %1 cancelled; nothing was added to the library.</source>
        <translation>Training von %1 abgebrochen; der Bibliothek wurde nichts hinzugefügt.</translation>
    </message>
    <message>
        <source>Training of %1 failed: %2</source>
        <translation>Training von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Training needs a loaded base model.</source>
        <translation>Das Training braucht ein geladenes Basismodell.</translation>
    </message>
    <message>
        <source>A concept is already training; wait for it or cancel it first.</source>
        <translation>Es wird bereits ein Konzept trainiert; warten Sie oder brechen Sie es zuerst ab.</translation>
    </message>
    <message>
        <source>Cannot create the library folder %1.</source>
        <translation>Der Bibliotheksordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Training %1…</source>
        <translation>%1 wird trainiert…</translation>
    </message>
    <message>
        <source>S&amp;weep</source>
        <translation>S&amp;weep</translation>
    </message>
    <message>
        <source>Generate one seed at five fidelity ↔ alignment positions and show them side by side (Ctrl+Shift+Return)</source>
        <translation>Einen Seed an fünf Stellen zwischen Treue ↔ Prompttreue erzeugen und nebeneinander zeigen (Strg+Umschalt+Eingabe)</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>Sweep</translation>
    </message>
    <message>
        <source>Undo Delete</source>
        <translation>Löschen rückgängig</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <source>Undo Delete of %1</source>
        <translation>Löschen von %1 rückgängig</translation>
    </message>
    <message>
        <source>%1 is back in the library.</source>
        <translation>%1 ist wieder in der Bibliothek.</translation>
    </message>
    <message>
        <source>Sweep done.</source>
        <translation>Sweep fertig.</translation>
    </message>
    <message>
        <source>A sweep moves the concepts&apos; fidelity ↔ alignment slider: put a concept token from the library into the prompt first.</source>
        <translation>Ein Sweep bewegt den Treue ↔ Prompttreue-Regler der Konzepte: zuerst ein Konzept-Token aus der Bibliothek in den Prompt setzen.</translation>
    </message>
    <message>
        <source>Sweep: β %1 (%2 of %3)…</source>
        <translation>Sweep: β %1 (%2 von %3)…</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PngMetadata</name>
    <message>
        <source>This PNG carries no Perfusion Studio settings.</source>
        <translation>Dieses PNG enthält keine Einstellungen von Perfusion Studio.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::PromptComposer</name>
    <message>
        <source>Describe the image, e.g. a photo of a cat sitting on a chair in the snow</source>
        <translation>Beschreiben Sie das Bild, z. B. a photo of a cat sitting on a chair in the snow</translation>
    </message>
    <message>
        <source>What to avoid (optional)</source>
        <translation>Was vermieden werden soll (optional)</translation>
    </message>
    <message>
        <source>Karras sigmas</source>
        <translation>Karras-Sigmas</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>Karras noise schedule (Euler and DPM++ 2M only)</source>
        <translation>Karras-Rauschplan (nur Euler und DPM++ 2M)</translation>
    </message>
    <message>
        <source>Classifier-free guidance: how strongly the image follows the prompt (1 or less: off)</source>
        <translation>Classifier-free Guidance: wie stark das Bild dem Prompt folgt (1 oder weniger: aus)</translation>
    </message>
    <message>
        <source>Draw a new seed for every run</source>
        <translation>Für jeden Lauf einen neuen Seed ziehen</translation>
    </message>
    <message>
        <source>Images per run</source>
        <translation>Bilder pro Lauf</translation>
    </message>
    <message>
        <source>Sampler</source>
        <translation>Sampler</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>Schritte</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>&amp;Prompt</source>
        <translation>&amp;Prompt</translation>
    </message>
    <message>
        <source>&amp;Negative prompt</source>
        <translation>&amp;Negativer Prompt</translation>
    </message>
    <message>
        <source>Auto (%1)</source>
        <translation>Automatisch (%1)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>How the concepts in the prompt are weighed: towards Fidelity they look more like their photos, towards Alignment the image follows the rest of the prompt more. Releasing the slider regenerates with the same seed.</source>
        <translation>Wie stark die Konzepte im Prompt wirken: Richtung Treue ähneln sie ihren Fotos mehr, Richtung Prompttreue folgt das Bild mehr dem übrigen Prompt. Beim Loslassen des Reglers wird mit demselben Seed neu erzeugt.</translation>
    </message>
    <message>
        <source>Fidelity</source>
        <translation>Treue</translation>
    </message>
    <message>
        <source>Alignment</source>
        <translation>Prompttreue</translation>
    </message>
    <message>
        <source>Concepts</source>
        <translation>Konzepte</translation>
    </message>
    <message>
        <source>Lock keys to supercategories (global locking)</source>
        <translation>Schlüssel an Oberkategorien binden (globales Locking)</translation>
    </message>
    <message>
        <source>Type &lt; to choose a concept from the library. Known concept tokens are shown in blue, unknown ones in red. Separate prompts with | to draw them side by side, from left to right, each in its own part of the picture.</source>
        <translation>Mit &lt; ein Konzept aus der Bibliothek wählen. Bekannte Konzept-Tokens erscheinen blau, unbekannte rot. Mit | getrennte Prompts werden nebeneinander gezeichnet, von links nach rechts, jeder in seinem Teil des Bildes.</translation>
    </message>
    <message>
        <source>Global locking: the attention keys of the whole prompt are computed as if each concept token were its supercategory word, and only the values carry the concept. The layout follows what the base model draws for the supercategory, often at some cost in likeness. Off (the default), each concept&apos;s keys are locked by its own edit.</source>
        <translation>Globales Locking: Die Attention-Schlüssel des ganzen Prompts werden berechnet, als stünde statt jedes Konzept-Tokens seine Oberkategorie; nur die Werte tragen das Konzept. Der Bildaufbau folgt dem, was das Basismodell für die Oberkategorie zeichnet, oft auf Kosten der Ähnlichkeit. Aus (Standard): Die Schlüssel jedes Konzepts bindet seine eigene Bearbeitung.</translation>
    </message>
    <message>
        <source>This model samples best at %1.</source>
        <translation>Dieses Modell erzeugt am besten bei %1.</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultPanel</name>
    <message>
        <source>The parameters of the selected image appear here.</source>
        <translation>Hier erscheinen die Parameter des ausgewählten Bildes.</translation>
    </message>
    <message>
        <source>%1 × %2 · %3 · %4</source>
        <translation>%1 × %2 · %3 · %4</translation>
    </message>
    <message>
        <source>%1 × %2 · opened from %3</source>
        <translation>%1 × %2 · geöffnet aus %3</translation>
    </message>
    <message>
        <source>No image selected</source>
        <translation>Kein Bild ausgewählt</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::ResultsModel</name>
    <message>
        <source>%1
Seed %2 · %3 steps · %4×%5</source>
        <translation>%1
Seed %2 · %3 Schritte · %4×%5</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Stable Diffusion 1.x: .safetensors file or diffusers folder</source>
        <translation>Stable Diffusion 1.x: .safetensors-Datei oder diffusers-Ordner</translation>
    </message>
    <message>
        <source>Only for single-file checkpoints</source>
        <translation>Nur für Checkpoints aus einer einzelnen Datei</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>Automatisch (CUDA, falls vorhanden)</translation>
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
        <translation>Automatisch (fp16 mit CUDA, fp32 auf der CPU)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>Datei…</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <source>%1 is set: this session uses %2.</source>
        <translation>%1 ist gesetzt: Diese Sitzung verwendet %2.</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>A new language takes effect when the app restarts.</source>
        <translation>Eine neue Sprache wird nach dem Neustart der App wirksam.</translation>
    </message>
    <message>
        <source>Choose a checkpoint</source>
        <translation>Checkpoint wählen</translation>
    </message>
    <message>
        <source>Safetensors checkpoints (*.safetensors)</source>
        <translation>Safetensors-Checkpoints (*.safetensors)</translation>
    </message>
    <message>
        <source>Choose a diffusers folder</source>
        <translation>diffusers-Ordner wählen</translation>
    </message>
    <message>
        <source>Choose a tokenizer folder</source>
        <translation>Tokenizer-Ordner wählen</translation>
    </message>
    <message>
        <source>Choose the output folder</source>
        <translation>Ausgabeordner wählen</translation>
    </message>
    <message>
        <source>Empty: the bundled demo model. Or an SD 1.x .safetensors file or diffusers folder</source>
        <translation>Leer: das mitgelieferte Demomodell. Oder eine SD-1.x-.safetensors-Datei bzw. ein diffusers-Ordner</translation>
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
        <translation>Sweep · Seed %1 · Treue (links) bis Prompttreue (rechts)</translation>
    </message>
    <message>
        <source>Seed %1 at β %2: click to show it large</source>
        <translation>Seed %1 bei β %2: klicken, um es groß zu zeigen</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::TrainingAdvancedSettings</name>
    <message>
        <source>Seeds the noise and the order of the photos: the same seed and settings train the same concept</source>
        <translation>Bestimmt Rauschen und Reihenfolge der Fotos: derselbe Seed mit denselben Einstellungen trainiert dasselbe Konzept</translation>
    </message>
    <message>
        <source>Images per optimizer step (effective batch, by gradient accumulation): more is smoother but each step takes longer</source>
        <translation>Bilder pro Optimiererschritt (effektive Batchgröße, durch Gradientenakkumulation): mehr ist gleichmäßiger, aber jeder Schritt dauert länger</translation>
    </message>
    <message>
        <source>Learning rate of the token&apos;s word embedding</source>
        <translation>Lernrate des Wort-Embeddings des Tokens</translation>
    </message>
    <message>
        <source>Learning rate of the concept&apos;s value targets in cross-attention</source>
        <translation>Lernrate der Value-Ziele des Konzepts in der Cross-Attention</translation>
    </message>
    <message>
        <source>Automatic (where the supercategory is)</source>
        <translation>Automatisch (wo die Oberkategorie ist)</translation>
    </message>
    <message>
        <source>None (whole image)</source>
        <translation>Keine (ganzes Bild)</translation>
    </message>
    <message>
        <source>Which part of each photo the loss looks at: automatically the region the base model attends to for the supercategory word, or the whole image</source>
        <translation>Welchen Teil jedes Fotos der Loss betrachtet: automatisch den Bereich, auf den das Basismodell bei der Oberkategorie achtet, oder das ganze Bild</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Images per step</source>
        <translation>Bilder pro Schritt</translation>
    </message>
    <message>
        <source>Learning rate (embedding)</source>
        <translation>Lernrate (Embedding)</translation>
    </message>
    <message>
        <source>Learning rate (V)</source>
        <translation>Lernrate (V)</translation>
    </message>
    <message>
        <source>Loss mask</source>
        <translation>Loss-Maske</translation>
    </message>
</context>
<context>
    <name>perfusion::ui::TrainingPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop training; nothing is added to the library</source>
        <translation>Training anhalten; der Bibliothek wird nichts hinzugefügt</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Samples of the concept while it learns (&quot;a photo of &lt;token&gt;&quot;)</source>
        <translation>Beispielbilder des Konzepts während des Lernens („a photo of &lt;token&gt;“)</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Beispielbilder</translation>
    </message>
    <message>
        <source>Drop photos of a concept on the window to train one.</source>
        <translation>Legen Sie Fotos eines Konzepts auf dem Fenster ab, um eines zu trainieren.</translation>
    </message>
    <message>
        <source>Training %1 (%2) on %3 photos</source>
        <translation>Training von %1 (%2) mit %3 Fotos</translation>
    </message>
    <message>
        <source>Preparing…</source>
        <translation>Wird vorbereitet…</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
    </message>
    <message>
        <source> · loss %1</source>
        <translation> · Verlust %1</translation>
    </message>
    <message>
        <source> · %1 left</source>
        <translation> · noch %1</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>Sample after step %1</source>
        <translation>Beispielbild nach Schritt %1</translation>
    </message>
</context>
</TS>
